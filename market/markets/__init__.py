"""The Market domain: the markets (chợ) a province runs."""
