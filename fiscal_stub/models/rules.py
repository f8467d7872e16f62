"""The finance department's rule table for a bill's face (事中: 规范票面信息填报).

One row is one rule: its kind, the bill type it binds ("" for every type), its
parameters as JSON, the Chinese message a breach shows, and whether it is enabled.
``version`` grows with every edit, so two officers editing one rule cannot overwrite
each other unseen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model

ALL_TYPES = ""


class IssuingRule(Model):
    __tablename__ = "issuing_rule"
    __table_args__ = (UniqueConstraint("kind", "type_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    type_key: Mapped[str] = mapped_column(String(30), default=ALL_TYPES)
    params: Mapped[str] = mapped_column(Text, default="{}")
    message: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(60))
