"""The finance department's checks beyond write-off: supervision warnings with their evidence, and the
ad-hoc search over historical bills (GET forms: a search is a link that can be shared and paged)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from sqlalchemy import select

from common.timeutil import to_local
from fiscal_stub.console import bp
from fiscal_stub.console.sessions import finance_session
from fiscal_stub.extensions import db
from fiscal_stub.models import Bill, IssuingUnit
from fiscal_stub.reference.bill_types import BILL_TYPES, BY_KEY
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.alerts import KINDS, WINDOW, alerts
from fiscal_stub.supervision.guard import SUPERVISED_PROVINCES
from fiscal_stub.supervision.search import CursorRefused, read_query, search
from fiscal_stub.supervision.writeoff import BILL_STATES


@bp.get("/console/finance/warnings")
@finance_session
def finance_warnings() -> Any:
    kind = request.args.get("kind", "")
    if kind and kind not in KINDS:
        return render_template(
            "fiscal/finance/warnings.html",
            kinds=KINDS,
            kind="",
            found=[],
            units={},
            window_days=WINDOW.days,
            counts={},
            error="没有这种预警类型，请从列表中选择。",
            to_local=to_local,
        ), 400
    found, units = alerts(db.session, clock.now())
    counts = {key: sum(1 for a in found if a.kind == key) for key in KINDS}
    shown = [a for a in found if not kind or a.kind == kind]
    return render_template(
        "fiscal/finance/warnings.html",
        kinds=KINDS,
        kind=kind,
        found=shown,
        units=units,
        counts=counts,
        window_days=WINDOW.days,
        error="",
        to_local=to_local,
    )


@bp.get("/console/finance/search")
@finance_session
def finance_search() -> Any:
    units = list(
        db.session.execute(
            select(IssuingUnit).where(IssuingUnit.province.in_(SUPERVISED_PROVINCES)).order_by(IssuingUnit.name)
        ).scalars()
    )
    query, problems = read_query(request.args, {u.code for u in units})
    asked = any(
        request.args.get(k) for k in ("unit", "type", "payer", "amount_min", "amount_max", "date_from", "date_to")
    )
    bills: list[Bill] = []
    next_cursor, error, status = "", "", 200
    if problems:
        error, status = "请修改标出的查询条件。", 400
    elif asked or request.args.get("cursor"):
        try:
            bills, next_cursor = search(db.session, query, request.args.get("cursor", ""))
        except CursorRefused as refused:
            error, status = str(refused), 400
    more_args = {k: v for k, v in request.args.items() if k != "cursor"}
    return render_template(
        "fiscal/finance/search.html",
        units=units,
        unit_names={u.code: u.name for u in units},
        types=BILL_TYPES,
        type_names={k: t.name for k, t in BY_KEY.items()},
        form=request.args,
        problems=problems,
        error=error,
        asked=asked,
        bills=bills,
        next_cursor=next_cursor,
        more_args=more_args,
        bill_states=BILL_STATES,
        to_local=to_local,
    ), status
