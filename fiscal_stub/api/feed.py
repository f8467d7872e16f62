"""The change feed a platform follows for the payers it subscribed."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from sqlalchemy import select, tuple_

from fiscal_stub.api import bp
from fiscal_stub.api.auth import platform_required
from fiscal_stub.api.inputs import query_limit
from fiscal_stub.api.serving import served
from fiscal_stub.extensions import db
from fiscal_stub.models import Bill
from fiscal_stub.services import collection, faults
from fiscal_stub.services.errors import FiscalError


@bp.get("/feed")
@platform_required
def feed() -> Any:
    state = faults.current(db.session)
    if state is not None and state.feed_down:
        raise FiscalError(503, "feed_unavailable", "变动通知服务暂时不可用，请稍后从上次的位置继续读取。")
    page = collection.feed(db.session, g.platform, request.args.get("cursor"), query_limit())
    if page.issued:
        keys = {(code, number) for _, code, number in page.issued}
        found = db.session.execute(select(Bill).where(tuple_(Bill.code, Bill.number).in_(keys))).scalars().all()
        by_key = {(b.code, b.number): b for b in found}
        bills = [by_key[(code, number)] for _, code, number in page.issued]
        for (index, _, _), shown in zip(page.issued, served(bills), strict=True):
            page.events[index]["bill"] = shown
    return jsonify(ok=True, events=page.events, next_cursor=page.next_cursor, has_more=page.has_more)
