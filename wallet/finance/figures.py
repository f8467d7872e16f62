"""Platform figures for the finance department: how many residents, bills, authorizations and
reimbursements the platform carries, and claims, locks and reimbursed amounts per unit and per
month — tables with server-side SVG bars (the CSP allows no script), each bar labelled with its value."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import func, select

from wallet.extensions import db
from wallet.finance import bp
from wallet.finance.admin import admin_required
from wallet.models import Bill, Claim, Resident
from wallet.models.claim import STATE_NAMES
from wallet.services import platform_figures

BAR_WIDTH = 240


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: int


def bars(pairs: list[tuple[str, int]]) -> list[Bar]:
    """Widths in SVG units relative to the largest value (an empty bar still shows as a sliver)."""
    top = max((value for _, value in pairs), default=0) or 1
    return [Bar(label, value, max(2, round(BAR_WIDTH * value / top))) for label, value in pairs]


def widths(values: list[int]) -> list[int]:
    """Bar widths for a table column, relative to its largest value."""
    return [bar.width for bar in bars([("", value) for value in values])]


def _count(stmt) -> int:
    return int(db.session.scalar(stmt) or 0)


@bp.get("/figures")
@admin_required
def figures() -> str:
    by_state = dict(db.session.execute(select(Claim.state, func.count(Claim.id)).group_by(Claim.state)).all())
    reimbursed = db.session.execute(
        select(func.count(Claim.id), func.coalesce(func.sum(Claim.amount), 0)).where(Claim.state == "reimbursed")
    ).one()
    totals = {
        "residents": _count(select(func.count(Resident.id)).where(Resident.held_since.is_(None))),
        "bills": _count(select(func.count(Bill.id))),
        "reimbursed_count": int(reimbursed[0]),
        "reimbursed_fen": int(reimbursed[1]),
        "locks": int(by_state.get("locked", 0)),
        "rejected": int(by_state.get("rejected", 0)),
    }
    states = bars([(STATE_NAMES.get(state, state), int(by_state.get(state, 0))) for state in STATE_NAMES])
    overview = bars(
        [
            ("已开通居民", totals["residents"]),
            ("已归集票据", totals["bills"]),
            ("已报销", totals["reimbursed_count"]),
            ("锁定中", totals["locks"]),
            ("核验未通过（被拒绝）", totals["rejected"]),
        ]
    )
    units, months = platform_figures.per_unit(), platform_figures.per_month()
    return render_template(
        "wallet/finance/figures.html",
        totals=totals,
        states=states,
        overview=overview,
        bar_width=BAR_WIDTH,
        units=units,
        months=months,
        unit_total=platform_figures.totals(units),
        month_total=platform_figures.totals(months),
        unit_bars=widths([u.reimbursed_fen for u in units]),
        month_bars=widths([m.reimbursed_fen for m in months]),
    )
