"""The stub's tables: the network (provinces, keys, issuers), bills with their status, and the feed."""

from fiscal_stub.models.bills import Bill, FeedbackRecord
from fiscal_stub.models.feed import Counter, FaultState, StatusEvent, Subscription
from fiscal_stub.models.network import IssuingUnit, Province, SigningKey

__all__ = [
    "Bill",
    "Counter",
    "FaultState",
    "FeedbackRecord",
    "IssuingUnit",
    "Province",
    "SigningKey",
    "StatusEvent",
    "Subscription",
]
