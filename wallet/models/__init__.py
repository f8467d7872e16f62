"""The wallet's tables. Every model is imported here so Alembic sees all of them."""
from wallet.models.resident import Resident

__all__ = ["Resident"]
