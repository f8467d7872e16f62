"""The stub's tables: the network (provinces, keys, issuers), bills with their status, the feed, and supervision."""

from fiscal_stub.models.accounts import (
    FinanceOfficer,
    SmsCode,
    SmsMessage,
    UKey,
    UKeyChallenge,
    UKeyEnrolment,
    UnitAccount,
)
from fiscal_stub.models.audit import SupervisionAudit
from fiscal_stub.models.basis import IssueBasis
from fiscal_stub.models.batches import BillBatch, WriteOffCycle
from fiscal_stub.models.bills import Bill, FeedbackRecord
from fiscal_stub.models.feed import Counter, FaultState, StatusEvent, Subscription
from fiscal_stub.models.network import IssuingUnit, Province, SigningKey
from fiscal_stub.models.qualification import UnitCertificate
from fiscal_stub.models.rules import IssuingRule
from fiscal_stub.models.writeoff import RectificationNotice, WriteOffLine

__all__ = [
    "Bill",
    "BillBatch",
    "Counter",
    "FaultState",
    "FeedbackRecord",
    "FinanceOfficer",
    "IssueBasis",
    "IssuingRule",
    "IssuingUnit",
    "Province",
    "RectificationNotice",
    "SigningKey",
    "SmsCode",
    "SmsMessage",
    "StatusEvent",
    "Subscription",
    "SupervisionAudit",
    "UKey",
    "UKeyChallenge",
    "UKeyEnrolment",
    "UnitAccount",
    "UnitCertificate",
    "WriteOffCycle",
    "WriteOffLine",
]
