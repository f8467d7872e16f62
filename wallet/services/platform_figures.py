"""The finance department's figures per unit and per month: claims, locks and reimbursements.

A claim is an authorization a resident gave a unit or a file-mode claim the unit took in
itself; both are counted alike. Months are calendar months in Beijing time: claims and
current locks by when the claim arrived, reimbursements by when they were recorded. Each
figure is one grouped query per table, so the page costs the same at any size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.sql.elements import ColumnElement

from wallet.extensions import db
from wallet.models.claim import Claim
from wallet.models.unit import Unit


@dataclass
class Tally:
    """One row of a figures table; money in fen."""

    label: str
    claims: int = 0
    locked: int = 0
    reimbursed: int = 0
    reimbursed_fen: int = 0

    def add(self, claims: int, locked: int, reimbursed: int, fen: int) -> None:
        self.claims += int(claims or 0)
        self.locked += int(locked or 0)
        self.reimbursed += int(reimbursed or 0)
        self.reimbursed_fen += int(fen or 0)


def _month(column: Any) -> ColumnElement[str]:
    """``YYYY-MM`` of an instant in Beijing time (UTC+8 all year: China keeps no summer time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def _counts() -> tuple[ColumnElement[int], ...]:
    return (
        func.count(Claim.id),
        func.coalesce(func.sum(case((Claim.state == "locked", 1), else_=0)), 0),
        func.coalesce(func.sum(case((Claim.state == "reimbursed", 1), else_=0)), 0),
        func.coalesce(func.sum(case((Claim.state == "reimbursed", Claim.amount), else_=0)), 0),
    )


def per_unit() -> list[Tally]:
    """Every unit that has an account or claims, busiest (by amount reimbursed) first."""
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.state != "pending")).all())
    rows: dict[int, Tally] = {uid: Tally(name) for uid, name in names.items()}
    for unit_id, *figures in db.session.execute(select(Claim.unit_id, *_counts()).group_by(Claim.unit_id)):
        rows.setdefault(unit_id, Tally(names.get(unit_id, f"单位 {unit_id}"))).add(*figures)
    return sorted(rows.values(), key=lambda t: (-t.reimbursed_fen, -t.claims, t.label))


def per_month() -> list[Tally]:
    """Months with any claim or reimbursement, newest first."""
    rows: dict[str, Tally] = defaultdict(lambda: Tally(""))
    month = _month(Claim.created_at)
    arrived = select(
        month, func.count(Claim.id), func.coalesce(func.sum(case((Claim.state == "locked", 1), else_=0)), 0)
    ).group_by(month)
    for label, claims, locked in db.session.execute(arrived):
        rows[label].add(claims, locked, 0, 0)
    paid_month = _month(Claim.reimbursed_at)
    paid = (
        select(paid_month, func.count(Claim.id), func.coalesce(func.sum(Claim.amount), 0))
        .where(Claim.state == "reimbursed", Claim.reimbursed_at.is_not(None))
        .group_by(paid_month)
    )
    for label, count, fen in db.session.execute(paid):
        rows[label].add(0, 0, count, fen)
    for label, tally in rows.items():
        tally.label = label
    return [rows[label] for label in sorted(rows, reverse=True)]


def totals(rows: list[Tally]) -> Tally:
    total = Tally("合计")
    for row in rows:
        total.add(row.claims, row.locked, row.reimbursed, row.reimbursed_fen)
    return total
