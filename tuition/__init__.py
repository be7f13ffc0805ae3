"""The Tuition domain: schools, students, fee plans, exemptions and invoices."""
