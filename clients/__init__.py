"""Clients of the wallet for other systems to copy (no imports from the wallet itself)."""
