"""Demo data: a real-looking province for `make demo`."""
