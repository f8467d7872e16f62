"""The kinds of rule a bill's face is checked against before it issues (事中: 规范票面信息填报).

Each kind knows how to check a :class:`Face` with its parameters, how to read its
parameters from the finance department's form (refusing bad input field by field), and
how to say them in Chinese (for the table and the audit trail). The rules themselves are
rows of :class:`~fiscal_stub.models.IssuingRule`; :mod:`fiscal_stub.supervision.rule_table`
reads and edits them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from common.checksums import credit_code_problem, resident_id_problem
from common.money import MAX_FEN, yuan_display
from fiscal_stub.parsing import parse_yuan
from fiscal_stub.reference.bill_types import BY_KEY, BillType
from fiscal_stub.supervision.certificates import day_text

# Face fields a rule may require, in the order a bill prints them.
FIELDS = {
    "payer_name": "交款人名称",
    "payer_id_number": "交款人证件号码",
    "items": "项目明细",
    "handler": "收款人",
    "remark": "备注",
}
OTHER_ITEM = ("9999", "其他（目录外项目）")


@dataclass(frozen=True)
class Face:
    """What the rules see of a bill about to issue (amounts in fen; ``today`` in Beijing time)."""

    type_key: str
    payer_type: str
    payer_name: str
    payer_id_number: str
    amount: int
    items: list[dict[str, Any]]
    handler: str
    remark: str
    issue_day: date
    today: date
    has_basis: bool

    def value(self, field: str) -> Any:
        return getattr(self, field)


Params = dict[str, Any]
Problems = dict[str, str]


@dataclass(frozen=True)
class RuleKind:
    key: str
    name: str
    per_type: bool
    check: Callable[[Face, Params], str | None]  # None when the face passes, else what breached
    read: Callable[[Mapping[str, str], BillType | None], tuple[Params, Problems]]
    describe: Callable[[Params, BillType | None], str]


def _no_params(_form: Mapping[str, str], _type: BillType | None) -> tuple[Params, Problems]:
    return {}, {}


def _nothing(_params: Params, _type: BillType | None) -> str:
    return ""


def check_required(face: Face, params: Params) -> str | None:
    missing = [FIELDS[f] for f in params["fields"] if not face.value(f)]
    return f"未填写：{'、'.join(missing)}。" if missing else None


def read_required(form: Mapping[str, str], _type: BillType | None) -> tuple[Params, Problems]:
    chosen = [f for f in FIELDS if form.get(f"field_{f}") == "on"]
    return {"fields": chosen}, {}


def describe_required(params: Params, _type: BillType | None) -> str:
    return "、".join(FIELDS[f] for f in params["fields"]) or "（无）"


def check_amount(face: Face, params: Params) -> str | None:
    if params["min"] <= face.amount <= params["max"]:
        return None
    return f"本票据种类的金额应在 {describe_amount(params, None)} 之间，本张为 {yuan_display(face.amount)}。"


def read_amount(form: Mapping[str, str], _type: BillType | None) -> tuple[Params, Problems]:
    problems: Problems = {}
    low, high = parse_yuan(form.get("min", "").strip()), parse_yuan(form.get("max", "").strip())
    if low is None or low < 1:
        problems["min"] = "请填写最低金额（元，大于0，最多两位小数），如 0.01。"
    if high is None or high < 1 or high > MAX_FEN:
        problems["max"] = f"请填写最高金额（元，大于0，不超过 {yuan_display(MAX_FEN)}），如 200000.00。"
    if low is not None and high is not None and not problems and low > high:
        problems["max"] = "最高金额不能低于最低金额。"
    return {"min": low, "max": high}, problems


def describe_amount(params: Params, _type: BillType | None) -> str:
    return f"{yuan_display(params['min'])} 至 {yuan_display(params['max'])}"


def item_choices(bill_type: BillType) -> list[tuple[str, str]]:
    """The codes an item rule may allow: the type's catalogue, then items outside it."""
    seen: dict[str, str] = {}
    for kind in bill_type.items:
        seen.setdefault(kind.code, kind.name)
    return [*seen.items(), OTHER_ITEM]


def check_items(face: Face, params: Params) -> str | None:
    allowed = set(params["codes"])
    bad = [f"“{i['name']}”（编码 {i['code']}）" for i in face.items if i["code"] not in allowed]
    if not bad:
        return None
    return f"项目{'、'.join(bad)}不在本票据种类允许的项目编码内。"


def read_items(form: Mapping[str, str], bill_type: BillType | None) -> tuple[Params, Problems]:
    choices = item_choices(bill_type) if bill_type is not None else []
    chosen = [code for code, _ in choices if form.get(f"code_{code}") == "on"]
    if not chosen:
        return {"codes": []}, {"codes": "请至少允许一个项目编码；不再开具这类票据时请停用规则或停用单位的开票资格。"}
    return {"codes": chosen}, {}


def describe_items(params: Params, bill_type: BillType | None) -> str:
    names = dict(item_choices(bill_type)) if bill_type is not None else {}
    return "、".join(f"{code} {names.get(code, '')}".strip() for code in params["codes"])


def check_payer_id(face: Face, _params: Params) -> str | None:
    if face.payer_type == "单位":
        return credit_code_problem(face.payer_id_number)
    return resident_id_problem(face.payer_id_number)


def check_issue_day(face: Face, _params: Params) -> str | None:
    if face.issue_day <= face.today:
        return None
    return f"开票日期为{day_text(face.issue_day)}，晚于今天（{day_text(face.today)}）。"


def check_basis(face: Face, _params: Params) -> str | None:
    return None if face.has_basis else "本次开票申请未附佐证资料。"


KINDS: dict[str, RuleKind] = {
    k.key: k
    for k in (
        RuleKind("payer_id_checksum", "交款人证件号码校验", False, check_payer_id, _no_params, _nothing),
        RuleKind("issue_date_not_future", "开票日期不得晚于当日", False, check_issue_day, _no_params, _nothing),
        RuleKind("required_fields", "必填项目", True, check_required, read_required, describe_required),
        RuleKind("amount_range", "金额范围", True, check_amount, read_amount, describe_amount),
        RuleKind("item_codes", "允许的项目编码", True, check_items, read_items, describe_items),
        RuleKind("basis_required", "须上传 PDF 佐证资料", True, check_basis, _no_params, _nothing),
    )
}
KIND_ORDER = list(KINDS)

MESSAGES = {
    "payer_id_checksum": (
        "交款人证件号码校验不通过：个人应填写有效的居民身份证号码，单位应填写有效的统一社会信用代码，请核对后重新开具。"
    ),
    "issue_date_not_future": "开票日期不能晚于当日，请按实际收款日期开具。",
    "required_fields": "票面信息填写不完整，请补全必填项目后重新开具。",
    "amount_range": "票据金额超出本票据种类允许的金额范围，请核对金额；确需开具的请联系同级财政部门。",
    "item_codes": "收费项目不在本票据种类允许的项目范围内，请按财政部门核定的项目开具。",
    "basis_required": "开具本票据须上传 PDF 格式的政策文件、合同等佐证资料。",
}
# Where the notice is silent: limits far above what any demo or generated bill reaches, so the
# finance department tightens them rather than discovering them.
DEFAULT_MAX_YUAN = {
    "nontax_general": 1_000_000,
    "court_fee": 5_000_000,
    "exam_fee": 10_000,
    "fund_settlement": 10_000_000,
    "housing_maintenance": 1_000_000,
    "donation": 10_000_000,
    "association_dues": 100_000,
    "mutual_aid": 10_000,
    "medical_outpatient": 200_000,
    "medical_inpatient": 5_000_000,
    "blood_supply": 200_000,
}
# 资金往来结算票据 and 公益事业接受捐赠统一票据 need a basis (the notice, 四(二)1).
DEFAULT_REQUIRED = ["payer_name", "payer_id_number", "items"]
BASIS_TYPES = frozenset({"fund_settlement", "donation"})


def default_rules() -> list[dict[str, Any]]:
    """The table a new network starts with: every kind for every type, the basis where the notice asks for it."""
    rows: list[dict[str, Any]] = [
        {"kind": kind, "type_key": "", "params": {}, "enabled": True}
        for kind in ("payer_id_checksum", "issue_date_not_future")
    ]
    for key, bill_type in BY_KEY.items():
        rows += [
            {"kind": "required_fields", "type_key": key, "params": {"fields": DEFAULT_REQUIRED}},
            {"kind": "amount_range", "type_key": key, "params": {"min": 1, "max": DEFAULT_MAX_YUAN[key] * 100}},
            {"kind": "item_codes", "type_key": key, "params": {"codes": [c for c, _ in item_choices(bill_type)[:-1]]}},
            {"kind": "basis_required", "type_key": key, "params": {}, "enabled": key in BASIS_TYPES},
        ]
    for row in rows:
        row.update(params=json.dumps(row["params"]), message=MESSAGES[row["kind"]], enabled=row.get("enabled", True))
    return rows
