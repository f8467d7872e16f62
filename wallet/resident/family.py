"""The 家人 pages: the resident's family links, adding a child or a spouse, sharing with the spouse.

Adding starts with 蒙速办: the wallet asks for the ``family`` scope in a round trip like the
face check (wallet.auth.views handles the return), and the attested children and spouse wait in
the session for the one confirmation that links each. A child's own pages are the resident
pages under ``/family/<member_id>`` (wallet.resident.holder); a spouse's shared bills are listed
here, each opening read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from common.translatable import gettext, lazy_gettext
from wallet.auth import family_claim
from wallet.auth.provider import SCOPE, begin
from wallet.models.family import CHILD, SPOUSE, FamilyLink
from wallet.presenters.bill import BillView
from wallet.refusals import Refusal
from wallet.resident import bp
from wallet.resident.holder import acting
from wallet.services import authorization_queries, family, family_shares
from wallet.services.collection_jobs import request_sync

CHOICE_GONE = Refusal("family_choice_expired", lazy_gettext("家庭成员信息已过期，请重新从蒙速办获取后再添加。"), 400)


@dataclass(frozen=True)
class LinkView:
    """One link as the resident sees it: the other person, and what the resident may do with it."""

    link: FamilyLink
    other_name: str
    standing: bool
    asked_by_me: bool

    @property
    def awaiting_me(self) -> bool:
        return (
            self.link.relation == SPOUSE
            and self.link.open_key is not None
            and not self.asked_by_me
            and (self.link.confirmed_at is None)
        )


def _views(resident_id: int) -> list[LinkView]:
    on = family.today()
    return [
        LinkView(link, link.other(resident_id).masked_name, family.stands(link, on), link.resident_id == resident_id)
        for link in family.links_of(resident_id)
    ]


def page_context() -> dict[str, Any]:
    me = current_user.id
    views = _views(me)
    spouse = next((v for v in views if v.link.relation == SPOUSE and v.standing), None)
    return {
        "active_tab": "family",
        "children": [v for v in views if v.link.relation == CHILD and v.standing],
        "spouse": spouse,
        "spouse_pending": [v for v in views if v.link.relation == SPOUSE and v.link.open_key and not v.standing],
        "ended": [v for v in views if v.link.open_key is None][:10],
        "shared_count": len(family_shares.shared_bill_ids(spouse.link, owner_id=me)) if spouse else 0,
        "shared_years": family_shares.shared_years(spouse.link, owner_id=me) if spouse else [],
        "this_year": family.today().year,
        "attested": family_claim.peek(me),
    }


@bp.get("/family")
@login_required
def family_page() -> str:
    return render_template("wallet/family/index.html", **page_context())


@bp.get("/family/add")
@login_required
def family_add() -> Any:
    """Ask 蒙速办 which minor children and spouse its household records show for the resident."""
    return begin("family", url_for("resident.family_page"), scope=f"{SCOPE} family")


def _chosen(index_field: str) -> family_claim.AttestedPerson:
    attested = family_claim.peek(current_user.id)
    raw = request.form.get(index_field, "")
    if attested is None:
        raise CHOICE_GONE
    if index_field == "spouse":
        if attested.spouse is None:
            raise CHOICE_GONE
        return attested.spouse
    if not raw.isdigit() or int(raw) >= len(attested.children):
        raise Refusal("input_invalid", gettext("请从列表中选择要添加的子女。"), 400)
    return attested.children[int(raw)]


@bp.post("/family/children")
@login_required
def family_add_child() -> Any:
    """The guardian's one confirmation: the child's held wallet is made or found, linked, and collected."""
    child = _chosen("child")
    link = family.add_child(current_user._get_current_object(), child, family.today())
    request_sync(link.member_id)
    flash(gettext("已添加子女 %(name)s，正在归集其名下的票据。", name=child.masked_name), "success")
    return redirect(url_for("resident.home", member_id=link.member_id), code=303)


@bp.post("/family/spouse")
@login_required
def family_ask_spouse() -> Any:
    spouse = _chosen("spouse")
    family.request_spouse(current_user._get_current_object(), spouse)
    flash(gettext("已向配偶 %(name)s 发出关联请求，对方在其票据夹中确认后生效。", name=spouse.masked_name), "success")
    return redirect(url_for("resident.family_page"), code=303)


@bp.post("/family/links/<int(max=2147483647):link_id>/answer")
@login_required
def family_answer(link_id: int) -> Any:
    answer = request.form.get("answer")
    if answer not in ("accept", "decline"):
        raise Refusal("input_invalid", gettext("请选择确认或拒绝。"), 400)
    family.answer_spouse(current_user.id, link_id, accept=answer == "accept")
    flash(gettext("已确认配偶关联。") if answer == "accept" else gettext("已拒绝配偶关联。"), "success")
    return redirect(url_for("resident.family_page"), code=303)


@bp.post("/family/links/<int(max=2147483647):link_id>/end")
@login_required
def family_end(link_id: int) -> Any:
    link = family.end_link(current_user.id, link_id)
    flash(gettext("已解除配偶关联。") if link.relation == SPOUSE else gettext("已停止代管该子女的票据。"), "success")
    return redirect(url_for("resident.family_page"), code=303)


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 2000 <= int(raw) <= family.today().year:
        raise Refusal("input_invalid", gettext("请选择有效的年份。"), 400)
    return int(raw)


@bp.post("/family/shares")
@login_required
def family_share() -> Any:
    """Share (or stop sharing) one of the resident's bills, or a year's medical bills, with the spouse."""
    link_id, bill_id = request.form.get("link", ""), request.form.get("bill", "")
    year = _year(request.form.get("year"))
    if not link_id.isdigit() or (not bill_id.isdigit() and year is None) or len(bill_id) > 9:
        raise Refusal("input_invalid", gettext("共享内容不完整，请返回重试。"), 400)
    shared = request.form.get("shared") == "1"
    family_shares.set_share(
        current_user.id, int(link_id), shared, bill_id=int(bill_id) if bill_id.isdigit() else None, year=year
    )
    flash(gettext("已共享给配偶。") if shared else gettext("已取消共享。"), "success")
    back = request.form.get("back") or ""
    safe = back.startswith("/") and not back.startswith("//") and "\\" not in back
    return redirect(back if safe else url_for("resident.family_page"), code=303)


@bp.get("/family/<int:member_id>/shared")
@login_required
def family_shared() -> str:
    """The bills a spouse shared with the resident, each opening read-only."""
    found = acting()
    assert found is not None  # the route exists only under a member (wallet.resident.holder)
    bills = family_shares.shared_bills(found.link, owner_id=found.holder.id)
    held = authorization_queries.open_by_bill(found.holder.id, [b.id for b in bills], lean=True)
    views = [BillView(b, holds=held) for b in bills]
    return render_template("wallet/family/shared.html", active_tab="family", bills=views)
