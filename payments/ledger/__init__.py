"""The ledger: payments, writing them, assignment, reversal, cash."""
