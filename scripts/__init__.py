"""Operational tooling: the production process layout on one machine, and the UI quality budgets."""
