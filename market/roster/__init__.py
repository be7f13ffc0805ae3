"""Rosters people keep in spreadsheets (a market's vendors, a school's students), imported by
one path: each domain says what its rows are, this package reads, checks, reports and writes."""
