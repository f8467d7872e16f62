"""Deterministic generation of realistic network data: people, issuing units, bill contents."""
