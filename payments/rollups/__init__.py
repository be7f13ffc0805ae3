"""Statistics rollups: kept as payments are written, rebuilt from the ledger."""
