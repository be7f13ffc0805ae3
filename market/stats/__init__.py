"""Adoption statistics: read-only, from the rollups the payments domain keeps up to date."""
