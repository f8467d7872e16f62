"""Household relations the provider attests (户籍 records, simulated): a person's minor children and spouse.

A relative need not have an account here: a child is known only by the household record. The
provider says who is related; whether the wallet may act on it is the wallet's own rule.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from identity_stub.extensions import Model

CHILD, SPOUSE = "child", "spouse"


class Kinship(Model):
    __tablename__ = "kinships"
    __table_args__ = (UniqueConstraint("person_id", "relative_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # child | spouse
    relative_id_number: Mapped[str] = mapped_column(String(18))
    relative_name: Mapped[str] = mapped_column(String(64))
    relative_birthdate: Mapped[date] = mapped_column(Date)
