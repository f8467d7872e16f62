"""The wallet's tables. Every model is imported here so Alembic sees all of them."""
from wallet.models.bill import Bill, BillEvent
from wallet.models.collection import FeedCursor, ProvinceKey, RejectedBill, SyncState
from wallet.models.resident import Resident

__all__ = ["Bill", "BillEvent", "FeedCursor", "ProvinceKey", "RejectedBill", "Resident", "SyncState"]
