"""Bills collected into a resident's wallet: the signed document plus its mirrored status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import Model


class Bill(Model):
    """One fiscal e-bill in one resident's wallet.

    The signed bytes live in :class:`BillDocument` (shared by code and number), so the
    signature can be checked again at any time; the columns here are read out of the
    document once, for listing and filtering.
    """

    __tablename__ = "bills"
    __table_args__ = (
        UniqueConstraint("resident_id", "code", "number", name="uq_bills_resident_code_number"),
        Index("ix_bills_resident_issued", "resident_id", "issued_at", "id"),
        # Covers the grouped count that keeps bill_summaries (wallet.services.bill_store), in its
        # GROUP BY order, so it reads no table rows and sorts nothing; also serves the year filter.
        Index(
            "ix_bills_resident_summary",
            "resident_id",
            "issue_year",
            "type_key",
            "type_name",
            "province",
            "issuance",
            "reimbursement",
            "total",
            "claimable",
            "reimbursed_amount",
        ),
        Index("ix_bills_code_number", "code", "number"),
        # The claim-window reminder reads the bills issued, and those collected, in a narrow band of time.
        Index("ix_bills_issued", "issued_at"),
        Index("ix_bills_collected", "collected_at"),
        # The few partly reimbursed bills, where a remainder reminder may be due.
        Index(
            "ix_bills_partly_reimbursed",
            "id",
            postgresql_where=text("reimbursement = 'partially_reimbursed'"),
            sqlite_where=text("reimbursement = 'partially_reimbursed'"),
        ),
        Index("ix_bills_resident_type", "resident_id", "type_key", "type_name"),
        Index("ix_bills_resident_province", "resident_id", "province"),
        # The few bills no longer normal (red-reversed, voided): the sweep of claims on them starts here.
        Index(
            "ix_bills_not_normal",
            "id",
            postgresql_where=text("issuance <> 'normal'"),
            sqlite_where=text("issuance <> 'normal'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(10))
    check_code: Mapped[str] = mapped_column(String(6))
    province: Mapped[str] = mapped_column(String(2))
    type_key: Mapped[str] = mapped_column(String(40))
    type_name: Mapped[str] = mapped_column(String(60))
    issuer_name: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issue_year: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    # What may ever be claimed on this bill (common.claimable): for a medical bill what the person bore.
    claimable: Mapped[int] = mapped_column(BigInteger)
    search_text: Mapped[str] = mapped_column(Text)
    signature_alg: Mapped[str] = mapped_column(String(40))
    signature_kid: Mapped[str] = mapped_column(String(40))
    signature_value: Mapped[str] = mapped_column(Text)
    issuance: Mapped[str] = mapped_column(String(20))
    reimbursement: Mapped[str] = mapped_column(String(24))
    reimbursed_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status_json: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="collected")
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[BillDocument] = relationship(
        primaryjoin="and_(Bill.code == foreign(BillDocument.code), Bill.number == foreign(BillDocument.number))",
        viewonly=True,
        lazy="select",
        uselist=False,
    )

    @property
    def canonical(self) -> bytes:
        """The exact signed bytes of this bill, as the network served them."""
        return self.document.canonical


class BillDocument(Model):
    """The signed document of a bill, kept apart so listing thousands of bills reads narrow rows."""

    __tablename__ = "bill_documents"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    number: Mapped[str] = mapped_column(String(10), primary_key=True)
    canonical: Mapped[bytes] = mapped_column(LargeBinary)


class BillSummary(Model):
    """A resident's bills of one year, type, province and status, counted and totalled.

    Kept by every writer of ``bills`` in the same transaction as its change
    (``wallet.services.bill_store.summary_kept_up``), so the list page reads a few dozen
    rows for its totals and filter choices instead of counting 10,000 bills after each change.
    ``positive_bills`` and ``claimable_left`` count the positive bills apart, with what units
    may still reimburse on them ("可报销").
    """

    __tablename__ = "bill_summaries"
    # On SQLite the rows live in the primary key's order, so one resident's groups are read in one run.
    __table_args__ = {"sqlite_with_rowid": False}

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    issue_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    type_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    type_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    province: Mapped[str] = mapped_column(String(2), primary_key=True)
    issuance: Mapped[str] = mapped_column(String(20), primary_key=True)
    reimbursement: Mapped[str] = mapped_column(String(24), primary_key=True)
    bills: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    positive_bills: Mapped[int] = mapped_column(Integer)
    claimable_left: Mapped[int] = mapped_column(BigInteger)


class BillEvent(Model):
    """A status event of the network, kept for the bill's timeline (deduplicated by event id)."""

    __tablename__ = "bill_events"
    __table_args__ = (UniqueConstraint("bill_id", "network_event_id", name="uq_bill_events_bill_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    network_event_id: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail_json: Mapped[str] = mapped_column(Text)
