"""A PDF basis (佐证资料) uploaded with an issue request, what was read from it, and its manual review.

A basis that matches the face issues at once and stays here beside the bill; one that
does not is held (``awaiting_confirmation``) with the face it asked for, until the unit
sends it to the finance department (``in_review``), who approves (the bill issues then)
or refuses it with a reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model

MATCHED = "matched"
AWAITING = "awaiting_confirmation"
IN_REVIEW = "in_review"
APPROVED = "approved"
REFUSED = "refused"
STATUS_NAMES = {
    MATCHED: "比对一致，已开票",
    AWAITING: "比对不一致，待单位确认",
    IN_REVIEW: "财政部门人工复核中",
    APPROVED: "人工复核通过，已开票",
    REFUSED: "人工复核未通过，未开票",
}


class IssueBasis(Model):
    __tablename__ = "issue_basis"
    __table_args__ = (Index("ix_issue_basis_status", "status", "id"), Index("ix_issue_basis_unit", "unit_code", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"))
    type_key: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(24))
    face: Mapped[str] = mapped_column(Text)  # the draft asked for, as JSON: what issues on approval
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_name: Mapped[str] = mapped_column(String(100))
    pdf_text: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)  # JSON list, see supervision.basis_match
    channel: Mapped[str] = mapped_column(String(12))  # api | unit | operator
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewer: Mapped[str | None] = mapped_column(String(40))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    bill_code: Mapped[str | None] = mapped_column(String(8))
    bill_number: Mapped[str | None] = mapped_column(String(10))

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]
