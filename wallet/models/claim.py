"""Claims (报销受理): every bill a unit handles, whichever way it reached the unit.

``source`` says how: ``account`` — a resident authorized the bill from their wallet (授权报销,
with a signed receipt); ``file`` — the unit verified the bill itself from a layout file or the
five elements (文件报销). One lifecycle and one status column serve both (DESIGN.md §5):
``authorized`` → (``revoked`` by the resident | ``locked`` by the unit → (``reimbursed`` |
``rejected``)) | ``expired``.

``open_key`` is set while the claim is open and NULL once it ends; its unique constraint lets
the database itself refuse a second open claim: for an account claim one per wallet bill
(``bill:<bill id>``), for a file claim one per unit and bill (``file:<unit>:<code><number>``).

An account claim reads its bill from the resident's wallet (``bill_id``). A file claim keeps
its own copy of what the signed document says in :class:`ClaimFile`; when the same bill also
sits in a resident's wallet, ``resident_id`` and ``bill_id`` point at that copy, so the resident
sees what the unit did in their notifications and access history like any other claim.
Entries of the audit log written before the two kinds were one table name their subject
``authorization:<id>`` (the same id here) or ``file_claim:<id>`` (``ClaimFile.former_id``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet import copy
from wallet.extensions import Model
from wallet.models.bill import Bill, BillDocument
from wallet.models.unit import Unit

OPEN_STATES = ("authorized", "locked")
UNIT_VISIBLE_STATES = ("authorized", "locked", "reimbursed", "rejected")
PROCESSED_STATES = ("reimbursed", "rejected")
STATE_NAMES = copy.CLAIM_STATE_NAMES
SOURCE_NAMES: dict[str, str] = {"account": "授权报销", "file": "文件报销"}


class Claim(Model):
    __tablename__ = "claims"
    # The unit inbox pages by (created_at, id) newest first with a keyset cursor: each filter and
    # exact-match search it offers has an index that starts with the unit and ends with that order.
    __table_args__ = (
        Index("ix_claims_unit_created", "unit_id", "created_at", "id"),
        Index("ix_claims_unit_state", "unit_id", "state", "created_at", "id"),
        Index("ix_claims_unit_type", "unit_id", "type_key", "created_at", "id"),
        Index("ix_claims_unit_code", "unit_id", "bill_code", "created_at", "id"),
        Index("ix_claims_unit_number", "unit_id", "bill_number"),
        Index("ix_claims_unit_total", "unit_id", "bill_total", "created_at", "id"),
        Index("ix_claims_unit_claimant", "unit_id", "claimant_hash", "created_at", "id"),
        Index("ix_claims_unit_ref", "unit_id", "claim_ref", "created_at", "id"),
        Index("ix_claims_unit_closed", "unit_id", "closed_at", "id"),
        Index("ix_claims_resident_state", "resident_id", "state"),
        # What time alone changes (wallet.services.authorizations.sweep): due expiries and lapsed locks.
        Index("ix_claims_due_expiry", "state", "expires_at"),
        Index("ix_claims_due_lapse", "state", "lock_expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(8), default="account")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    state: Mapped[str] = mapped_column(String(12), default="authorized")
    open_key: Mapped[str | None] = mapped_column(String(48), unique=True)
    # The resident's side: required for an account claim, set for a file claim only when the
    # bill is also in a wallet. A receipt's deletion (the resident erased) takes account claims along.
    receipt_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorization_receipts.id", ondelete="CASCADE"), index=True
    )
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id", ondelete="SET NULL"), index=True)
    claim_ref: Mapped[str] = mapped_column(String(64), default="")
    # What the unit inbox filters and searches by, copied from the bill when the claim is made
    # (none of it ever changes), so every lookup reads this table alone through an index.
    # ``claimant_hash`` is the keyed hash of the claimant's name (wallet.identity.name_lookup_hash):
    # the name itself stays sealed.
    bill_code: Mapped[str] = mapped_column(String(8), default="")
    bill_number: Mapped[str] = mapped_column(String(10), default="")
    bill_total: Mapped[int] = mapped_column(BigInteger, default=0)
    type_key: Mapped[str] = mapped_column(String(40), default="")
    claimant_hash: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lapse_noted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    serial: Mapped[str | None] = mapped_column(String(64))
    voucher: Mapped[str | None] = mapped_column(String(64))
    reimbursed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acted_by: Mapped[int | None] = mapped_column(ForeignKey("unit_users.id", ondelete="SET NULL"))
    # A unit action waiting on the fiscal network (wallet.services.reimbursement): reserved in one
    # short transaction, recorded in another, so no write transaction spans the network call.
    pending_action: Mapped[str | None] = mapped_column(String(12))
    pending_token: Mapped[str | None] = mapped_column(String(32))
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime())

    wallet_bill: Mapped[Bill | None] = relationship(lazy="joined")
    file: Mapped[ClaimFile | None] = relationship(lazy="joined", back_populates="claim", uselist=False)
    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)

    @staticmethod
    def account_key(bill_id: int) -> str:
        return f"bill:{bill_id}"

    @staticmethod
    def file_key(unit_id: int, code: str, number: str) -> str:
        return f"file:{unit_id}:{code}{number}"

    @property
    def bill(self) -> Bill | ClaimFile:
        """The bill as the unit handles it: the wallet's copy, or the copy the unit verified."""
        bill = self.file if self.source == "file" else self.wallet_bill
        assert bill is not None, "every claim has its bill"
        return bill

    @property
    def owner_id(self) -> int:
        """The resident of an account claim: every account claim has one."""
        if self.resident_id is None:
            raise ValueError(f"claim {self.id} has no resident")
        return self.resident_id

    @property
    def wallet_copy(self) -> Bill:
        """The resident's wallet copy of an account claim's bill."""
        if self.wallet_bill is None:
            raise ValueError(f"claim {self.id} has no wallet bill")
        return self.wallet_bill

    @property
    def for_resident(self) -> bool:
        """Whether a resident is told what the unit does with this claim."""
        return self.resident_id is not None and self.bill_id is not None

    @property
    def state_name(self) -> str:
        names = copy.FILE_CLAIM_STATE_NAMES if self.source == "file" else STATE_NAMES
        return names.get(self.state, self.state)

    @property
    def source_name(self) -> str:
        return SOURCE_NAMES[self.source]

    def close(self, state: str, now: datetime, reason: str = "") -> None:
        """End the claim: the bill is free for a new claim from here on."""
        self.state, self.open_key, self.closed_at = state, None, now
        if reason:
            self.end_reason = reason[:200]


class ClaimFile(Model):
    """What a file claim keeps of the bill the unit verified, and the status the network last served.

    It answers the attributes a wallet :class:`Bill` answers, so the policy, the presenters and
    the reimbursement service read either the same way.
    """

    __tablename__ = "claim_files"
    __table_args__ = (Index("ix_claim_files_code_number", "code", "number"),)

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    former_id: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(10))
    check_code: Mapped[str] = mapped_column(String(6))
    type_key: Mapped[str] = mapped_column(String(40))
    type_name: Mapped[str] = mapped_column(String(60))
    issuer_name: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    total: Mapped[int] = mapped_column(BigInteger)
    claimable: Mapped[int] = mapped_column(BigInteger)  # common.claimable, as on Bill
    signature_alg: Mapped[str] = mapped_column(String(40))
    signature_kid: Mapped[str] = mapped_column(String(40))
    signature_value: Mapped[str] = mapped_column(Text)
    verified_by: Mapped[str] = mapped_column(String(16))
    issuance: Mapped[str] = mapped_column(String(20))
    reimbursement: Mapped[str] = mapped_column(String(24))
    reimbursed_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status_json: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="file")
    document: Mapped[BillDocument] = relationship(
        primaryjoin="and_(ClaimFile.code == foreign(BillDocument.code), "
        "ClaimFile.number == foreign(BillDocument.number))",
        viewonly=True,
        lazy="select",
        uselist=False,
    )

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def canonical(self) -> bytes:
        return self.document.canonical
