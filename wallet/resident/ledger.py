"""The yearly ledger page and the 大病医疗 export of each person on it."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user, login_required

from common.database import write_transaction
from common.timeutil import to_local, utcnow
from wallet.extensions import db
from wallet.ledger.deduction_rules import NoRuleForYear, rule_for
from wallet.ledger.exports import pdf, xlsx
from wallet.ledger.page import CLAIMED_BY, SELF, LedgerPage, entries_for, holder_key, ledger_page
from wallet.ledger.statement import Statement, medical_entries
from wallet.ledger.yearly import year_ledger
from wallet.resident import bp
from wallet.services import family, family_access
from wallet.services.family import Holder
from wallet.services.family_access import Acting

FORMAT_NAMES = {"xlsx": "电子表格", "pdf": "PDF"}
# Bills listed under one figure of the page; the figure itself always sums all of them.
LISTED_MOST = 50
FORMATS = {
    "xlsx": (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (pdf, "application/pdf"),
}


def holders_of_signed_in() -> list[Holder]:
    """Whose bills the signed-in resident's ledger counts: their own, each child they are guardian of,
    and what the spouse shared (wallet.services.family)."""
    return family.ledger_holders(current_user._get_current_object(), family.today())


def bill_links(page: LedgerPage) -> dict[int, str]:
    """Each listed bill's page: the resident's own, or under the family member it belongs to."""
    member = {p.holder.label: p.holder.resident_id for p in page.people if p.holder.relation != SELF}
    links = {}
    for entry in page.ledger.entries:
        if entry.person in member:
            links[entry.bill_id] = url_for(
                "resident.bill_detail", bill_id=entry.bill_id, member_id=member[entry.person]
            )
        else:
            links[entry.bill_id] = url_for("resident.bill_detail", bill_id=entry.bill_id)
    return links


@bp.get("/ledger")
@login_required
def ledger() -> str:
    year = request.args.get("year", type=int)
    page = ledger_page(holders_of_signed_in(), year, to_local(utcnow()).year)
    return render_template(
        "wallet/ledger/page.html", active_tab="me", page=page, listed_most=LISTED_MOST, bill_links=bill_links(page)
    )


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
    holder = next((h for h in holders if holder_key(h) == who), None)
    if holder is None:
        abort(404)
    ledger = year_ledger(year, entries_for([holder], year))
    statement = Statement(
        person=holder.label,
        person_shown=holder.shown_label,
        claimed_by=CLAIMED_BY[holder.relation],
        estimate=ledger.serious_illness(holder.label),
        entries=medical_entries(list(ledger.entries), holder.label),
    )
    note_family_statement(holder, statement, fmt)
    make, mimetype = FORMATS[fmt]
    name = f"大病医疗支出明细-{year}-{holder.label}.{fmt}"
    response = Response(make(statement), mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"serious-illness-{year}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def note_family_statement(holder: Holder, statement: Statement, fmt: str) -> None:
    """A guardian's or spouse's download of a member's statement is in the member's access history,
    under each bill it lists."""
    if holder.relation == SELF:
        return
    link = family.link_between(current_user.id, holder.resident_id)
    if link is None:
        abort(404)
    acting = Acting(current_user._get_current_object(), link.other(current_user.id), link)
    write_transaction(db.session)
    detail = f"{statement.estimate.tax_year} 年大病医疗支出明细（{FORMAT_NAMES[fmt]}）"
    for entry in statement.entries:
        family_access.record_access(acting, entry.bill_id, "family_statement", detail)
    db.session.commit()
