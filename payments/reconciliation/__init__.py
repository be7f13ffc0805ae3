"""Reconciliation: a provider's statement held against the ledger."""
