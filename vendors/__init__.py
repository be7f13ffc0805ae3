"""The Vendor domain: market vendors (tiểu thương), onboarding and their payout accounts."""
