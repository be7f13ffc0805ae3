"""Settlement: business days closed into per-payee settlements."""
