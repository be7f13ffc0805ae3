"""The Payments domain: VietQR codes, credited transfers, settlements and reconciliation."""
