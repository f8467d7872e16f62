"""The supervision audit trail: every action of a unit, an officer or the system, with who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model


class SupervisionAudit(Model):
    """Append-only: rows are inserted, never changed."""

    __tablename__ = "supervision_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_kind: Mapped[str] = mapped_column(String(10))  # unit | finance | system
    actor: Mapped[str] = mapped_column(String(60))
    unit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
