"""The issuing units' side: list units, issue, red-reverse (冲红) and exchange to paper (换开)."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any

from flask import jsonify, request
from sqlalchemy import select

from fiscal_stub.api import bp
from fiscal_stub.api.auth import issuer_required
from fiscal_stub.api.inputs import UNIT_CODE, bill_key, integer, issue_day, json_body, shaped_payer_id, text
from fiscal_stub.api.serving import served, served_one
from fiscal_stub.extensions import db
from fiscal_stub.generator.units import types_issued_by
from fiscal_stub.models import IssuingUnit
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.reference.provinces import BY_CODE
from fiscal_stub.services.errors import FiscalError, invalid
from fiscal_stub.services.issuing import exchange, issue, red_reverse
from fiscal_stub.services.orders import IssueOrder, catalog_item, draft_for
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.basis_reviews import BasisFile, basis_of_bill, read_basis, review_json, review_of, submit
from fiscal_stub.supervision.batches import MAX_BATCH, apply_for_batch

MAX_AMOUNT = 10**11


@bp.get("/issuer/units")
@issuer_required
def units() -> Any:
    province = request.args.get("province", "15")
    if province not in BY_CODE:
        raise invalid("省份代码（province）应为 GB/T 2260 的两位代码，如 15。")
    rows = db.session.execute(
        select(IssuingUnit).where(IssuingUnit.province == province).order_by(IssuingUnit.code)
    ).scalars()
    return jsonify(
        ok=True,
        units=[
            {
                "code": u.code,
                "name": u.name,
                "province": u.province,
                "category": u.category,
                "types": types_issued_by(u.category),
            }
            for u in rows
        ],
    )


def items_of(raw: Any, type_key: str, amount: int) -> list[dict[str, Any]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not 1 <= len(raw) <= 30 or not all(isinstance(r, dict) for r in raw):
        raise invalid("项目明细（items）应为 1 到 30 个对象的列表。")
    rows: list[dict[str, Any]] = []
    for entry in raw:
        name = text(entry, "name", "项目名称", 20)
        line_amount = integer(entry.get("amount"), "amount", "项目金额（分）", 1, MAX_AMOUNT)
        quantity = integer(entry.get("quantity", 1), "quantity", "数量", 1, 10_000)
        if line_amount % quantity:
            raise invalid(f"项目“{name}”的金额应为数量的整数倍（单价以分为单位）。")
        code, unit = catalog_item(BY_KEY[type_key], name)
        self_paid = integer(entry.get("self_paid", 0), "self_paid", "自费金额（分）", 0, line_amount)
        rows.append(
            {
                "code": text(entry, "code", "项目编码", 10, required=False) or code,
                "name": name,
                "unit": text(entry, "unit", "单位", 6, required=False) or unit,
                "quantity": quantity,
                "price": line_amount // quantity,
                "amount": line_amount,
                "self_paid": self_paid,
            }
        )
    if sum(r["amount"] for r in rows) != amount:
        raise invalid("项目明细的金额合计应等于票据金额（amount）。")
    return rows


def basis_of(raw: Any) -> BasisFile | None:
    """The PDF basis sent as Base64 in the JSON body, checked (size, a real PDF, not encrypted) and read."""
    if raw is None:
        return None
    shape = '佐证资料（basis）应为对象：{"filename": "合同.pdf", "content_base64": "<PDF 文件的 Base64 编码>"}。'
    if not isinstance(raw, dict) or not isinstance(raw.get("content_base64"), str):
        raise invalid(shape)
    try:
        data = base64.b64decode(raw["content_base64"], validate=True)
    except (binascii.Error, ValueError):
        raise invalid("佐证资料（basis.content_base64）不是有效的 Base64 编码。") from None
    return read_basis(data, text(raw, "filename", "佐证资料文件名", 100, required=False))


def order_of(body: dict[str, Any], today: date) -> IssueOrder:
    type_key = body.get("type")
    if type_key not in BY_KEY:
        raise invalid("票据种类（type）不正确，可选值见 GET /bill-types。")
    payer_type = body.get("payer_type", "个人")
    if payer_type not in ("个人", "单位"):
        raise invalid("交款人类型（payer_type）应为“个人”或“单位”。")
    province = body.get("province", "15")
    if province not in BY_CODE:
        raise invalid("省份代码（province）应为 GB/T 2260 的两位代码，如 15。")
    amount = integer(body.get("amount"), "amount", "票据金额（分）", 1, MAX_AMOUNT)
    return IssueOrder(
        type_key=type_key,
        payer_type=payer_type,
        payer_name=text(body, "payer_name", "交款人姓名", 60),
        payer_id_number=shaped_payer_id(body.get("payer_id_number"), payer_type),
        amount=amount,
        unit_code=text(body, "unit_code", "开票单位代码", 18, required=False, pattern=UNIT_CODE),
        province=province,
        items=items_of(body.get("items"), type_key, amount),
        remark=text(body, "remark", "备注", 200, required=False),
        handler=text(body, "handler", "收款人", 20, required=False),
        issue_date=issue_day(body.get("issue_date"), today),
    )


@bp.post("/issuer/bills")
@issuer_required
def issue_bill() -> Any:
    body, now = json_body(), clock.now()
    order = order_of(body, clock.local_day(now))
    basis = basis_of(body.get("basis"))
    bill = issue(db.session, draft_for(db.session, order, now), now, basis, "api")
    kept = basis_of_bill(db.session, bill.code, bill.number) if basis is not None else None
    extra = {"basis": review_json(kept)} if kept is not None else {}
    return jsonify(ok=True, bill=served_one(bill), **extra), 201


@bp.get("/issuer/basis-reviews/<int:review_id>")
@issuer_required
def show_review(review_id: int) -> Any:
    review = review_of(db.session, review_id)
    if review is None:
        raise FiscalError(404, "review_not_found", "没有这份复核申请，请核对编号。")
    return jsonify(ok=True, review=review_json(review))


@bp.post("/issuer/basis-reviews/<int:review_id>/submit")
@issuer_required
def submit_review(review_id: int) -> Any:
    """The unit confirms a held request and sends it to the finance department's manual review."""
    body = json_body() if request.get_data() else {}
    note = text(body, "note", "情况说明", 200, required=False)
    return jsonify(ok=True, review=review_json(submit(db.session, review_id, None, note, clock.now())))


def reason_of() -> str:
    body = json_body() if request.get_data() else {}
    return text(body, "reason", "原因", 100, required=False)


@bp.post("/issuer/bills/<code>/<number>/red-reverse")
@issuer_required
def red_reverse_bill(code: str, number: str) -> Any:
    key = bill_key(code, number)
    original, red = red_reverse(db.session, *key, reason_of(), clock.now())
    shown = served([original, red])
    return jsonify(ok=True, bill=shown[0], red_bill=shown[1])


@bp.post("/issuer/bills/<code>/<number>/exchange")
@issuer_required
def exchange_bill(code: str, number: str) -> Any:
    key = bill_key(code, number)
    return jsonify(ok=True, bill=served_one(exchange(db.session, *key, clock.now())))


@bp.post("/issuer/batches")
@issuer_required
def apply_batch() -> Any:
    """An interface unit's system applies for numbers (分次限量); approved at once or refused with the reason."""
    body = json_body()
    unit_code = text(body, "unit_code", "开票单位代码", 18, pattern=UNIT_CODE)
    unit = db.session.get(IssuingUnit, unit_code)
    if unit is None:
        raise FiscalError(404, "unit_not_found", "没有这个开票单位，请核对单位代码。")
    if body.get("type") not in BY_KEY:
        raise invalid("票据种类（type）不正确，可选值见 GET /bill-types。")
    count = integer(body.get("count"), "count", "申领数量", 1, MAX_BATCH)
    batch = apply_for_batch(db.session, unit, body["type"], count, Actor.unit(unit.code), clock.now())
    return jsonify(
        ok=True,
        batch={
            "unit_code": batch.unit_code,
            "type": batch.type_key,
            "code": batch.code,
            "first_number": f"{batch.first_number:010d}",
            "last_number": f"{batch.last_number:010d}",
            "count": batch.count,
            "six_month_use": batch.six_month_use,
        },
    ), 201
