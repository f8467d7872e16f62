"""Authorizing bills to a unit: choose the unit, select bills, preview what it will see.

Choosing and previewing are plain GET pages (nothing changes); the confirmation that
follows the preview is :mod:`wallet.resident.confirm`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from flask import current_app, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import or_, select

from common.translatable import gettext
from wallet import copy, policy
from wallet.auth.stepup import step_up_satisfied
from wallet.extensions import db
from wallet.fragments import render_page
from wallet.models.unit import UNIT_TYPES, Unit
from wallet.presenters.bill import DOCUMENT, BillView
from wallet.refusals import Refusal
from wallet.resident import bp
from wallet.resident.holder import holder_id
from wallet.services import authorization_queries, bill_queries

MAX_BILLS = 50


def claim_fields(values: Mapping[str, str]) -> tuple[str, str]:
    claim_ref = " ".join((values.get("claim_ref") or "").split())
    note = " ".join((values.get("note") or "").split())
    if len(claim_ref) > 64 or len(note) > 200:
        raise Refusal("input_invalid", gettext("理赔/报销单号最多 64 个字，备注最多 200 个字，请删减后重试。"), 400)
    return claim_ref, note


def bill_ids_of(values: Any) -> list[int]:
    ids = list(dict.fromkeys(int(v) for v in values.getlist("bill") if v.isdigit() and len(v) <= 9))
    if len(ids) > MAX_BILLS:
        raise Refusal("input_invalid", gettext("一次最多授权 %(count)s 张票据，请分批授权。", count=MAX_BILLS), 400)
    return ids


def _active_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not unit.is_active:
        raise Refusal("not_found", gettext("没有找到该单位，或其账户当前不能接收授权。请重新选择单位。"), 404)
    return unit


def search_units(q: str, unit_type: str | None, limit: int = 20) -> list[Unit]:
    stmt = select(Unit).where(Unit.state == "active")
    if unit_type:
        stmt = stmt.where(Unit.unit_type == unit_type)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(Unit.name.like(pattern, escape="\\"), Unit.credit_code.like(pattern.upper(), escape="\\"))
        )
    return list(db.session.scalars(stmt.order_by(Unit.name).limit(limit)))


@bp.get("/authorize")
@login_required
def choose_unit() -> Any:
    q = (request.args.get("q") or "").strip()[:50]
    unit_type = (request.args.get("type") or "").strip()
    if unit_type and unit_type not in UNIT_TYPES:
        raise Refusal("input_invalid", gettext("请选择列表中的单位类型。"), 400)
    context = {
        "q": q,
        "unit_type": unit_type,
        "unit_types": UNIT_TYPES,
        "units": search_units(q, unit_type or None),
        "recent": authorization_queries.recent_units(holder_id()),
        "preselected": bill_ids_of(request.args),
    }
    return render_page("wallet/authorize/choose_unit.html", ["unit_results"], active_tab="authorize", **context)


def selection_rows(unit: Unit, bills: list[Any], parts: tuple[str, ...] = ()) -> list[tuple[BillView, policy.Decision]]:
    """Each bill with whether it may go to ``unit``; ``parts`` as for :class:`BillView`."""
    held = authorization_queries.open_by_bill(holder_id(), [b.id for b in bills])
    actor = policy.ResidentActor(holder_id())
    return [
        (
            BillView(b, holds=held, parts=parts),
            policy.decide(actor, "authorize", bill=b, open_authorization=held.get(b.id), target_unit=unit),
        )
        for b in bills
    ]


@bp.get("/authorize/<int(max=2147483647):unit_id>")
@login_required
def select_bills(unit_id: int) -> Any:
    unit = _active_unit(unit_id)
    q = (request.args.get("q") or "").strip()[:50]
    preselected = bill_ids_of(request.args)
    page, next_cursor = bill_queries.page_of_bills(
        holder_id(), bill_queries.BillFilter(q=q), request.args.get("cursor") or None
    )
    chosen = [b for b in (bill_queries.owned_bill(holder_id(), i) for i in preselected) if b is not None]
    shown = chosen + [b for b in page if b.id not in preselected] if not request.args.get("cursor") else page
    claim_ref, note = claim_fields(request.args)
    context = {
        "unit": unit,
        "rows": selection_rows(unit, shown),
        "next_cursor": next_cursor,
        "q": q,
        "preselected": set(preselected),
        "claim_ref": claim_ref,
        "note": note,
    }
    return render_page("wallet/authorize/select_bills.html", ["rows"], active_tab="authorize", **context)


def _checked_bills(unit: Unit, ids: list[int]) -> tuple[list[BillView], list[tuple[BillView, str]]]:
    bills = [b for b in (bill_queries.owned_bill(holder_id(), i) for i in ids) if b is not None]
    if len(bills) != len(ids):
        raise Refusal("not_found", gettext("没有找到所选的票据，请返回重新选择。"), 404)
    good, bad = [], []
    for view, decision in selection_rows(unit, bills, parts=(DOCUMENT,)):
        if decision:
            good.append(view)
        else:
            bad.append((view, decision.message))
    return good, bad


@bp.get("/authorize/<int(max=2147483647):unit_id>/preview")
@login_required
def preview(unit_id: int) -> Any:
    unit = _active_unit(unit_id)
    ids = bill_ids_of(request.args)
    if not ids:
        raise Refusal("input_invalid", gettext("请至少选择一张票据再预览。"), 400)
    claim_ref, note = claim_fields(request.args)
    good, bad = _checked_bills(unit, ids)
    status = 409 if bad else 200
    ttl = copy.duration(int(current_app.config["AUTHORIZATION_TTL_SECONDS"]))
    back_url = url_for(
        "resident.select_bills", unit_id=unit.id, bill=ids, claim_ref=claim_ref or None, note=note or None
    )
    return render_template(
        "wallet/authorize/preview.html",
        active_tab="authorize",
        unit=unit,
        bills=good,
        blocked=bad,
        claim_ref=claim_ref,
        note=note,
        request_id=secrets.token_urlsafe(18),
        ttl=ttl,
        face_needed=not step_up_satisfied(),
        back_url=back_url,
    ), status
