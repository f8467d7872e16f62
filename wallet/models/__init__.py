"""The wallet's tables. Every model is imported here so Alembic sees all of them."""

from wallet.models.api import ApiCredential, ApiIdempotentReply, ApiNonce, ApiWalletKey
from wallet.models.audit import AuditEntry
from wallet.models.authorization import AccessEvent, AuthorizationReceipt, Notification
from wallet.models.bill import Bill, BillDocument, BillEvent, BillSummary
from wallet.models.claim import Claim, ClaimFile
from wallet.models.claim_count import UnitClaimCount
from wallet.models.collection import FeedCursor, ProvinceKey, RejectedBill, SyncState
from wallet.models.data_export import DataExport, DataExportChunk
from wallet.models.family import FamilyLink, FamilyShare
from wallet.models.reminder import PushMessage, PushSubscription, Reminder, ReminderScan, ReminderSettings
from wallet.models.resident import Resident
from wallet.models.share import ShareLink, ShareLinkBill
from wallet.models.unit import LoginThrottle, OutboxMessage, Unit, UnitUser
from wallet.models.verification import BillCheckCount

__all__ = [
    "AccessEvent",
    "ApiCredential",
    "ApiIdempotentReply",
    "ApiNonce",
    "ApiWalletKey",
    "AuditEntry",
    "AuthorizationReceipt",
    "Bill",
    "BillCheckCount",
    "BillDocument",
    "BillEvent",
    "BillSummary",
    "Claim",
    "ClaimFile",
    "DataExport",
    "DataExportChunk",
    "FamilyLink",
    "FamilyShare",
    "FeedCursor",
    "LoginThrottle",
    "Notification",
    "OutboxMessage",
    "ProvinceKey",
    "PushMessage",
    "PushSubscription",
    "RejectedBill",
    "Reminder",
    "ReminderScan",
    "ReminderSettings",
    "Resident",
    "ShareLink",
    "ShareLinkBill",
    "SyncState",
    "Unit",
    "UnitClaimCount",
    "UnitUser",
]
