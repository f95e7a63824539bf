"""Keeping a workspace healthy: checks, backups and restores, browsing."""
