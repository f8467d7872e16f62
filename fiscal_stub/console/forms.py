"""Reading the console's issue forms (operator and unit) into an issue order; problems come back as Chinese
messages by field. The payer number's check character is left to the rule table (交款人证件号码校验)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from werkzeug.datastructures import FileStorage

from fiscal_stub.parsing import cycle_day_problem, has_control, parse_yuan, payer_id_shape_problem
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.orders import IssueOrder
from fiscal_stub.supervision.basis_reviews import BasisFile, read_basis


def _issue_date(text: str, today: date, problems: dict[str, str]) -> date | None:
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        problems["issue_date"] = "开票日期格式不正确，如 2026-03-06；不填写即为今天。"
        return None
    problem = cycle_day_problem(day, today)
    if problem:
        problems["issue_date"] = problem
    return day


def issue_order(form: Mapping[str, str], today: date) -> tuple[IssueOrder | None, dict[str, str]]:
    """The order, or the problems found field by field (nothing is issued while any remain)."""
    problems: dict[str, str] = {}
    type_key = form.get("type", "")
    if type_key not in BY_KEY:
        problems["type"] = "请选择票据种类。"
    payer_type = form.get("payer_type", "个人")
    if payer_type not in ("个人", "单位"):
        problems["payer_type"] = "请选择交款人类型。"
        payer_type = "个人"
    name = form.get("payer_name", "").strip()
    if not 1 <= len(name) <= 60 or has_control(name):
        problems["payer_name"] = "请填写交款人姓名或名称（不超过60个字）。"
    id_number = form.get("payer_id_number", "").strip().upper()
    if not id_number:
        problems["payer_id_number"] = "请填写交款人证件号码。"
    elif not id_number.isascii():
        problems["payer_id_number"] = (
            "统一社会信用代码只能包含数字和大写字母。" if payer_type == "单位" else "身份证号码只能包含数字和X。"
        )
    elif problem := payer_id_shape_problem(id_number, payer_type):
        problems["payer_id_number"] = problem
    amount = parse_yuan(form.get("amount", ""))
    if amount is None or amount < 1:
        problems["amount"] = "请填写大于0的金额（元），最多两位小数，如 256.30。"
    remark = form.get("remark", "").strip()
    if len(remark) > 200 or has_control(remark):
        problems["remark"] = "备注不能超过200个字。"
    handler = form.get("handler", "").strip()
    if len(handler) > 20 or has_control(handler):
        problems["handler"] = "收款人不能超过20个字。"
    unit_code = form.get("unit_code", "").strip()
    if unit_code and not (len(unit_code) <= 18 and unit_code.isascii() and unit_code.isalnum()):
        problems["unit_code"] = "请从列表中选择开票单位。"
    issue_date = _issue_date(form.get("issue_date", ""), today, problems)
    if problems or amount is None:
        return None, problems
    return IssueOrder(
        type_key=type_key,
        payer_type=payer_type,
        payer_name=name,
        payer_id_number=id_number,
        amount=amount,
        unit_code=unit_code,
        remark=remark,
        handler=handler,
        issue_date=issue_date,
    ), problems


def uploaded_basis(files: Mapping[str, FileStorage]) -> tuple[BasisFile | None, str, int]:
    """The PDF basis chosen in an issue form, read and checked; else the problem and its 4xx (no file: none)."""
    upload = files.get("basis")
    if upload is None or not upload.filename:
        return None, "", 200
    try:
        return read_basis(upload.read(), upload.filename), "", 200
    except FiscalError as refused:
        return None, refused.message, refused.status
