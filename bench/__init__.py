"""Benchmarks: each script prints ``figure <name> <value> <unit>`` lines (see docs/benchmarks.md)."""
