"""The unit's inbox of authorized bills (filters, search, bulk select) and the CSV export of processed claims."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import partial
from typing import Any

from flask import Flask, Response, current_app, flash, redirect, render_template, request, url_for

from wallet.fragments import render_page, wants_fragment
from wallet.models.claim import Claim
from wallet.presenters.authorization import AuthorizationView
from wallet.refusals import Refusal
from wallet.services import claimants, inbox_search, unit_inbox
from wallet.services.reimbursement import lock_claim
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required
from wallet.unit.export import claims_csv

MAX_BULK = 200


def _filter() -> unit_inbox.InboxFilter:
    return unit_inbox.InboxFilter.from_args(request.args)


@bp.get("/")
@unit_required
def inbox() -> Any:
    unit = current_unit_user().unit
    f = _filter()
    try:
        page, search_error = unit_inbox.inbox(unit.id, f), ""
    except inbox_search.Unreadable as unreadable:
        page, search_error = unit_inbox.NOTHING, unreadable.message
    context = {
        "flt": f,
        "page": page,
        "rows": [AuthorizationView(a) for a in page.rows],
        "unit": unit,
        "claimants": claimants.of_claims(page.rows),
        "statuses": unit_inbox.STATUS_FILTERS,
        "types": unit_inbox.bill_types(unit.id),
        "search_hint": inbox_search.HINT,
        "search_error": search_error,
        "return_to": request.full_path.rstrip("?"),
    }
    response = render_page("wallet/unit/inbox.html", ["results"], **context)
    # A search the clerk is still typing swaps its message into the results (htmx drops a 4xx
    # answer); the page asked for without htmx says 400, like any bad input.
    if search_error and not wants_fragment():
        response.status_code = 400
    return response


def _selected_ids() -> list[int]:
    raw = request.form.getlist("claim")
    ids = [int(v) for v in raw if v.isdigit() and len(v) <= 9][:MAX_BULK]
    if not ids:
        raise Refusal("input_invalid", "请先勾选要处理的票据。", 400)
    return ids


def _back() -> str:
    target = request.form.get("return_to") or ""
    return target if target.startswith("/unit/") and not target.startswith("//") else url_for("unit.inbox")


@bp.post("/claims/bulk")
@unit_required
def bulk() -> Any:
    user = current_unit_user()
    ids = _selected_ids()
    action = request.form.get("action")
    if action == "export":
        chosen = unit_inbox.processed(user.unit_id, None, None, ids)
        if not chosen:
            flash("所选票据中没有已处理（已报销或已拒绝）的，未导出。", "error")
            return redirect(_back(), code=303)
        return _csv_response(b"".join(claims_csv([chosen])), "selected")
    if action != "lock":
        raise Refusal("input_invalid", "请选择要执行的批量操作。", 400)
    visible = {a.id for a in unit_inbox.selected(user.unit_id, ids)}
    locked, problems = 0, []
    for auth_id in ids:
        if auth_id not in visible:
            problems.append(f"#{auth_id}：没有找到该授权")
            continue
        try:
            lock_claim(user, auth_id)
            locked += 1
        except Refusal as refused:
            problems.append(f"#{auth_id}：{refused.message}")
    if locked:
        flash(f"已锁定 {locked} 张票据。", "success")
    for problem in problems[:10]:
        flash(problem, "error")
    return redirect(_back(), code=303)


def _date(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise Refusal("input_invalid", "日期格式应为 2026-03-01，请重新选择。", 400) from exc


@bp.get("/export")
@unit_required
def export_page() -> str:
    return render_template("wallet/unit/export.html", unit=current_unit_user().unit)


@bp.get("/export.csv")
@unit_required
def export_csv() -> Response:
    start, end = _date("from"), _date("to")
    if start and end and start > end:
        raise Refusal("input_invalid", "开始日期不能晚于结束日期，请重新选择。", 400)
    unit_id = current_unit_user().unit_id
    batches = partial(unit_inbox.processed_batches, unit_id, start, end)
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app itself outlives the request, its proxy does not
    return _csv_response(_streamed(app, batches), f"{start or 'all'}_{end or 'now'}")


def _streamed(app: Flask, batches: Callable[[], Iterable[Sequence[Claim]]]) -> Iterator[bytes]:
    """The CSV written while the server sends it, after the view has returned: in an app context
    (and database session) of its own, opened when the first piece is asked for and closed with
    the stream — also when the client goes away early."""
    with app.app_context():
        yield from claims_csv(batches())


def _csv_response(body: bytes | Iterator[bytes], tag: str) -> Response:
    filename = f"claims-{current_unit_user().unit.credit_code}-{tag}.csv"
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
