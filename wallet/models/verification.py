"""How often each bill was checked today through the wallet, for the per-bill daily limit.

The national verification platform caps checks of one bill per day, so nobody can try
check codes against a known code and number or scrape a bill's status; the count lives
in the database so every wallet process shares it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet.extensions import Model


class BillCheckCount(Model):
    """Checks of one bill (by code and number) on one day in China; earlier days are dropped."""

    __tablename__ = "bill_check_counts"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    number: Mapped[str] = mapped_column(String(10), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
