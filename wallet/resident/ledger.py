"""The yearly ledger page and the 大病医疗 export of each person on it."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from common.timeutil import to_local, utcnow
from wallet.ledger.deduction_rules import NoRuleForYear, rule_for
from wallet.ledger.exports import Statement, medical_entries, pdf, xlsx
from wallet.ledger.page import CLAIMED_BY, Holder, entries_for, ledger_page
from wallet.ledger.yearly import year_ledger
from wallet.resident import bp

# Bills listed under one figure of the page; the figure itself always sums all of them.
LISTED_MOST = 50
FORMATS = {
    "xlsx": (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (pdf, "application/pdf"),
}


def holders_of_signed_in() -> list[Holder]:
    """Whose bills the signed-in resident's ledger counts."""
    return [Holder(label="本人", resident_id=current_user.id)]


@bp.get("/ledger")
@login_required
def ledger() -> str:
    year = request.args.get("year", type=int)
    page = ledger_page(holders_of_signed_in(), year, to_local(utcnow()).year)
    return render_template("wallet/ledger/page.html", active_tab="me", page=page, listed_most=LISTED_MOST)


@bp.get("/ledger/<int:year>/serious-illness/<who>.<fmt>")
@login_required
def serious_illness_export(year: int, who: str, fmt: str) -> Response:
    """One person's 大病医疗 statement of ``year``: only for a person on the resident's own ledger."""
    if fmt not in FORMATS or year > to_local(utcnow()).year:
        abort(404)
    try:
        rule_for(year)
    except NoRuleForYear:
        abort(404)
    holders = holders_of_signed_in()
    holder = next((h for h in holders if h.key == who), None)
    if holder is None:
        abort(404)
    ledger = year_ledger(year, entries_for([holder], year))
    statement = Statement(
        person=holder.label,
        claimed_by=CLAIMED_BY[holder.relation],
        estimate=ledger.serious_illness(holder.label),
        entries=medical_entries(list(ledger.entries), holder.label),
    )
    make, mimetype = FORMATS[fmt]
    name = f"大病医疗支出明细-{year}-{holder.label}.{fmt}"
    response = Response(make(statement), mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"serious-illness-{year}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
