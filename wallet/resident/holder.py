"""Whose bills a resident page works on: the signed-in resident's, or a family member's.

One mechanism for every resident page. The same views answer at their own URL (``/bills/7``:
the signed-in resident's bills) and under ``/family/<member_id>`` (``/family/12/bills/7``: the
bills of member 12), and read the holder from :func:`holder` alone. Before any view runs, the
member id is taken from the URL and :func:`wallet.policy.decide_family` decides whether the
signed-in resident may reach that member's bills today — a guardian for a minor child acts on
everything (:data:`GUARDIAN_ENDPOINTS`), a spouse only reads the bills shared with them
(:data:`SPOUSE_ENDPOINTS`) — and anything else is 404, like another person's bill. While a page
acts for a member, every link it builds to a member page keeps the member in its URL, so the
guardian never drops back into their own bills by following a link; the tab bar links to the
resident's own pages explicitly.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, current_app, g, request
from flask_login import current_user

from common.database import write_transaction
from wallet import policy
from wallet.extensions import db, login_manager
from wallet.models.bill import Bill
from wallet.models.resident import Resident
from wallet.resident import bp
from wallet.services import family, family_access, family_shares
from wallet.services.family_access import Acting

PREFIX = "/family/<int:member_id>"
# Read-only pages: a guardian's and a spouse's.
SPOUSE_ENDPOINTS = frozenset(
    {
        "resident.bill_detail",
        "resident.bill_status",
        "resident.bill_pdf",
        "resident.bill_qr",
        "resident.bill_qr_svg",
        "resident.bill_authorizations",
        "resident.live",
        "resident.family_shared",
    }
)
# Everything a resident does on their own bills, a guardian does on a child's.
GUARDIAN_ENDPOINTS = (SPOUSE_ENDPOINTS - {"resident.family_shared"}) | {
    "resident.home",
    "resident.refresh_bills",
    "resident.authorizations",
    "resident.authorization_overview",
    "resident.confirm_revoke",
    "resident.revoke",
    "resident.receipt",
    "resident.receipt_jws",
    "resident.receipt_file",
    "resident.choose_unit",
    "resident.select_bills",
    "resident.preview",
    "resident.confirm",
    "resident.confirmed",
    "resident.import_page",
    "resident.import_qr",
    "resident.import_file",
    "resident.import_elements",
    "resident.import_confirm",
    "resident.access_history",
    "resident.access_history_list",
    "resident.new_share",
    "resident.create_share",
    "resident.shares",
    "resident.share_detail",
    "resident.revoke_share",
}


def acting() -> Acting | None:
    """The family member the page acts for, or None on the resident's own pages."""
    found: Acting | None = g.get("acting")
    return found


def holder() -> Resident:
    """Whose bills this page works on."""
    found = acting()
    return found.holder if found is not None else current_user._get_current_object()


def holder_id() -> int:
    return holder().id


def endpoints_for(found: Acting) -> frozenset[str]:
    return SPOUSE_ENDPOINTS if found.read_only else GUARDIAN_ENDPOINTS


@bp.url_value_preprocessor
def take_member(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "member_id" in values:
        g.member_id = values.pop("member_id")


@bp.before_request
def resolve_member() -> Any:
    """Decide, before the view, whether the signed-in resident may reach the member's bills."""
    member_id = g.get("member_id")
    if member_id is None:
        return None
    user = current_user._get_current_object()
    if not isinstance(user, Resident):
        return login_manager.unauthorized()
    link = family.link_between(user.id, member_id)
    use: policy.FamilyUse = "view" if request.endpoint in SPOUSE_ENDPOINTS else "act"
    decision = policy.decide_family(user.id, link, use, family.today())
    if not decision or link is None:
        raise decision.refusal()
    found = Acting(user, link.other(user.id), link)
    if request.endpoint not in endpoints_for(found):
        abort(404)
    g.acting = found
    return None


@bp.url_defaults
def keep_member(endpoint: str, values: dict[str, Any]) -> None:
    """Links built while acting for a member stay with the member, where the member has that page."""
    found = acting()
    if found is None or "member_id" in values or endpoint not in endpoints_for(found):
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "member_id"):
        values["member_id"] = found.holder.id


def page_sequence() -> int:
    """The change sequence a page is made at, where its live channel starts (the holder's).

    Every page with a live channel says it, whatever its view put in the context: a page that said
    0 had its stream answer "changed" at once, and re-fetched its live sections on every opening.
    """
    state = holder().current_sync_state()
    return state.change_seq if state is not None else 0


@bp.app_context_processor
def acting_context() -> dict[str, Any]:
    return {"acting": acting(), "page_sequence": page_sequence}


def visible(bill: Bill) -> bool:
    """Whether the page may show ``bill`` (already known to be the holder's): a spouse sees only shared ones."""
    found = acting()
    if found is None or not found.read_only:
        return True
    shared = bill.id in family_shares.shared_bill_ids(found.link, owner_id=found.holder.id)
    return bool(policy.decide_family(found.actor.id, found.link, "view", family.today(), shared=shared))


def note_family_access(bill_id: int, kind: str, detail: str = "") -> None:
    """Write a family member's opening of a bill to the holder's access history (its own transaction)."""
    found = acting()
    if found is None:
        return
    write_transaction(db.session)
    family_access.record_access(found, bill_id, kind, detail)
    db.session.commit()


def add_member_rules(app: Flask) -> None:
    """Each member page answers under ``/family/<member_id>`` too, as the same endpoint and view."""
    for rule in list(app.url_map.iter_rules()):
        if rule.endpoint in GUARDIAN_ENDPOINTS and not rule.rule.startswith("/family/"):
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            app.add_url_rule(PREFIX + rule.rule, endpoint=rule.endpoint, methods=methods)
