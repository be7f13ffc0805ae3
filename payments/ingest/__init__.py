"""Ingest: provider adapters, notifications in, matching, recording a transfer."""
