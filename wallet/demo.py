"""Demo data for the wallet. Residents are created by their own first login, never seeded."""
from __future__ import annotations


def seed_demo_data() -> str:
    return "wallet: residents activate their accounts at first login; nothing to seed"
