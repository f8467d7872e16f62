"""A reimbursement unit's actions on a bill, relayed by its platform: lock, unlock, feedback."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify

from common.timeutil import utcnow
from fiscal_stub.api import bp
from fiscal_stub.api.auth import platform_required
from fiscal_stub.api.inputs import UNIT_CODE, bill_key, integer, json_body, moment, text
from fiscal_stub.api.serving import served_one
from fiscal_stub.extensions import db
from fiscal_stub.services.errors import invalid
from fiscal_stub.services.present import record_json
from fiscal_stub.services.status import Feedback, lock_bill, record_feedback, unlock_bill

MAX_TTL = 30 * 24 * 3600


@bp.post("/bills/<code>/<number>/lock")
@platform_required
def lock(code: str, number: str) -> Any:
    body = json_body()
    key = bill_key(code, number)
    unit_code = text(body, "unit_code", "单位代码", 40, pattern=UNIT_CODE)
    unit_name = text(body, "unit_name", "单位名称", 100)
    ttl = integer(
        body.get("ttl_seconds", current_app.config["LOCK_TTL_SECONDS"]), "ttl_seconds", "锁定时长（秒）", 1, MAX_TTL
    )
    bill = lock_bill(
        db.session, *key, platform=g.platform, unit_code=unit_code, unit_name=unit_name, ttl_seconds=ttl, now=utcnow()
    )
    return jsonify(ok=True, bill=served_one(bill))


@bp.post("/bills/<code>/<number>/unlock")
@platform_required
def unlock(code: str, number: str) -> Any:
    body = json_body()
    key = bill_key(code, number)
    unit_code = text(body, "unit_code", "单位代码", 40, pattern=UNIT_CODE)
    bill = unlock_bill(db.session, *key, unit_code=unit_code, now=utcnow())
    return jsonify(ok=True, bill=served_one(bill))


def feedback_of(body: dict[str, Any]) -> Feedback:
    result = body.get("result")
    if result not in ("reimbursed", "rejected"):
        raise invalid("报销结果（result）应为 reimbursed（已报销）或 rejected（拒绝报销）。")
    if result == "reimbursed":
        amount = integer(body.get("amount"), "amount", "报销金额（分）", 1, 10**12)
    else:
        amount = integer(body.get("amount", 0), "amount", "拒绝报销时的金额（分）", 0, 0)
    return Feedback(
        unit_code=text(body, "unit_code", "单位代码", 40, pattern=UNIT_CODE),
        serial=text(body, "serial", "业务流水号", 64),
        voucher=text(body, "voucher", "记账凭证号", 64),
        amount=amount,
        result=result,
        time=moment(body.get("time"), "time"),
    )


@bp.post("/bills/<code>/<number>/feedback")
@platform_required
def feedback(code: str, number: str) -> Any:
    body = json_body()
    key = bill_key(code, number)
    bill, record, replayed = record_feedback(db.session, *key, feedback_of(body), now=utcnow())
    return jsonify(ok=True, replayed=replayed, record=record_json(record), bill=served_one(bill))
