"""Reading the console's forms into an issue order; problems come back as Chinese messages."""

from __future__ import annotations

from collections.abc import Mapping

from common.checksums import resident_id_problem
from fiscal_stub.parsing import has_control, parse_yuan
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.orders import IssueOrder


def issue_order(form: Mapping[str, str]) -> tuple[IssueOrder | None, dict[str, str]]:
    """The order, or the problems found field by field (nothing is issued while any remain)."""
    problems: dict[str, str] = {}
    type_key = form.get("type", "")
    if type_key not in BY_KEY:
        problems["type"] = "请选择票据种类。"
    name = form.get("payer_name", "").strip()
    if not 1 <= len(name) <= 60 or has_control(name):
        problems["payer_name"] = "请填写交款人姓名（不超过60个字）。"
    id_number = form.get("payer_id_number", "").strip().upper()
    id_problem = resident_id_problem(id_number) if id_number.isascii() else "身份证号码只能包含数字和X。"
    if not id_number:
        id_problem = "请填写交款人身份证号码。"
    if id_problem:
        problems["payer_id_number"] = id_problem
    amount = parse_yuan(form.get("amount", ""))
    if amount is None or amount < 1:
        problems["amount"] = "请填写大于0的金额（元），最多两位小数，如 256.30。"
    remark = form.get("remark", "").strip()
    if len(remark) > 200 or has_control(remark):
        problems["remark"] = "备注不能超过200个字。"
    unit_code = form.get("unit_code", "").strip()
    if unit_code and not (len(unit_code) <= 18 and unit_code.isascii() and unit_code.isalnum()):
        problems["unit_code"] = "请从列表中选择开票单位。"
    if problems or amount is None:
        return None, problems
    return IssueOrder(
        type_key=type_key,
        payer_type="个人",
        payer_name=name,
        payer_id_number=id_number,
        amount=amount,
        unit_code=unit_code,
        remark=remark,
    ), problems
