"""What a bill says: amounts drawn per bill type, line items that add up, the medical settlement split.

Every amount is an integer number of fen; ratios are only used to pick a split point and
the remainder always lands in a named field, so the parts add up exactly.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fiscal_stub.generator.identity import person_name
from fiscal_stub.generator.standard_fields import (
    annotate_items,
    business_serial,
    deposit,
    detail_list,
    extras_rng,
    institution_type,
    other_parts,
    visit_numbers,
)
from fiscal_stub.reference.bill_types import BillType, ItemKind
from fiscal_stub.reference.names import DEPARTMENTS_INPATIENT, DEPARTMENTS_OUTPATIENT

INSURANCE_TYPES = (("职工基本医疗保险", 55), ("城乡居民基本医疗保险", 38), ("自费", 7))
ROUND_TO_YUAN = {
    "nontax_general",
    "court_fee",
    "exam_fee",
    "donation",
    "association_dues",
    "mutual_aid",
    "fund_settlement",
}
REMARKS = {
    "donation": "感谢您对公益事业的支持",
    "court_fee": "诉讼费用，请妥善保管",
    "exam_fee": "考试报名费用",
    "mutual_aid": "在职职工住院互助保障",
}


@dataclass
class Content:
    total: int
    items: list[dict[str, Any]]
    medical: dict[str, Any] | None = None
    remark: str = ""
    handler: str = ""
    serial: str = ""
    reviewer: str = ""


def sample_amount(rng: random.Random, bill_type: BillType) -> int:
    """Log-normal around the type's median, clipped to its range."""
    value = int(bill_type.median_fen * math.exp(rng.gauss(0.0, 0.75)))
    value = min(max(value, bill_type.min_fen), bill_type.max_fen)
    if bill_type.key in ROUND_TO_YUAN:
        value = max(100, value // 100 * 100)
    return value


def item(kind: ItemKind, amount: int, quantity: int = 1, self_paid: int = 0) -> dict[str, Any]:
    price = amount // quantity
    return {
        "code": kind.code,
        "name": kind.name,
        "unit": kind.unit,
        "quantity": quantity,
        "price": price,
        "amount": price * quantity,
        "self_paid": self_paid,
    }


def split(rng: random.Random, total: int, parts: int, floor: int = 100) -> list[int]:
    """``parts`` positive amounts adding up to ``total`` (each at least ``floor`` when it fits)."""
    parts = max(1, min(parts, total // max(floor, 1) or 1))
    weights = [rng.random() + 0.2 for _ in range(parts)]
    share = total - floor * parts if total >= floor * parts else total
    base = floor if total >= floor * parts else 0
    amounts = [base + int(share * w / sum(weights)) for w in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def items_for(rng: random.Random, bill_type: BillType, total: int, days: int) -> list[dict[str, Any]]:
    """Line items adding up to ``total``; per-day items carry ``days`` as their quantity."""
    kinds = list(bill_type.items)
    if bill_type.key == "medical_inpatient":
        chosen = kinds[:3] + rng.sample(kinds[3:], rng.randint(3, len(kinds) - 3))
    else:
        chosen = rng.sample(kinds, rng.randint(1, min(len(kinds), 5)))
    chosen.sort(key=lambda k: k.code)
    step = 100 if bill_type.key in ROUND_TO_YUAN and total % 100 == 0 else 1
    amounts = [a * step for a in split(rng, total // step, len(chosen), 100 // step)]
    rows, carry = [], 0
    for kind, amount in zip(chosen, amounts, strict=False):
        quantity = days if kind.unit == "日" and days > 1 and amount >= days else 1
        row = item(kind, amount, quantity)
        carry += amount - row["amount"]
        rows.append(row)
    single = next(r for r in reversed(rows) if r["quantity"] == 1) if any(r["quantity"] == 1 for r in rows) else None
    if carry and single is None:
        rows.append(item(ItemKind("0901", "其他费", "项"), carry))
    elif carry and single is not None:
        single["price"] += carry
        single["amount"] += carry
    return rows


def mark_self_paid(rng: random.Random, rows: list[dict[str, Any]], insurance: str) -> None:
    """Which part of each item falls outside the insurance catalogue (all of it for the uninsured)."""
    for row in rows:
        if insurance == "自费":
            row["self_paid"] = row["amount"]
        elif row["name"] in ("西药费", "中成药费", "卫生材料费", "中草药费") and rng.random() < 0.5:
            row["self_paid"] = row["amount"] * rng.randint(5, 30) // 100


def settlement(
    rng: random.Random, rows: list[dict[str, Any]], total: int, inpatient: bool, insurance: str
) -> dict[str, int]:
    """Split ``total`` the way a hospital's insurance settlement does, from the items' self-paid parts."""
    self_pay = sum(row["self_paid"] for row in rows)
    if insurance == "自费":
        return {
            "fund": 0,
            "personal_account": 0,
            "other_insurance": 0,
            "co_pay": total - self_pay,
            "self_pay": self_pay,
            "cash": total,
        }
    covered = total - self_pay
    employee = insurance.startswith("职工")
    if inpatient:
        ratio = rng.uniform(0.75, 0.9) if employee else rng.uniform(0.6, 0.8)
    else:
        ratio = 0.0 if rng.random() < 0.3 else (rng.uniform(0.5, 0.7) if employee else rng.uniform(0.4, 0.6))
    fund = int(covered * ratio)
    other = int((covered - fund) * rng.uniform(0.0, 0.4)) if inpatient and total > 5_000_000 else 0
    co_pay = covered - fund - other
    burden = co_pay + self_pay
    personal_account = burden * rng.randint(20, 100) // 100 if employee and rng.random() < 0.6 else 0
    return {
        "fund": fund,
        "personal_account": personal_account,
        "other_insurance": other,
        "co_pay": co_pay,
        "self_pay": self_pay,
        "cash": burden - personal_account,
    }


def add_medical(
    rng: random.Random,
    bill_type: BillType,
    rows: list[dict[str, Any]],
    issued: date,
    level: str,
    province: str,
    days: int,
    issuer_name: str,
    mark: bool = True,
) -> dict[str, Any]:
    """Visit details and settlement split for ``rows``; ``mark`` draws self-paid parts first."""
    medical = medical_extras(rng, bill_type, issued, level, province, days, issuer_name)
    if mark or medical["insurance_type"] == "自费":
        mark_self_paid(rng, rows, medical["insurance_type"])
    inpatient = bill_type.key == "medical_inpatient"
    split = settlement(rng, rows, sum(r["amount"] for r in rows), inpatient, medical["insurance_type"])
    medical["settlement"] = split
    extra = extras_rng(medical["record_number"], split["cash"])
    medical["other_payments"] = other_parts(extra, split["other_insurance"])
    if inpatient:
        medical.update(deposit(extra, split["cash"]))
        medical["details"] = detail_list(extra, rows, date.fromisoformat(medical["admitted_on"]), issued)
    return medical


def medical_extras(
    rng: random.Random, bill_type: BillType, issued: date, level: str, province: str, days: int, issuer_name: str
) -> dict[str, Any]:
    inpatient = bill_type.key == "medical_inpatient"
    insurance = rng.choices([n for n, _ in INSURANCE_TYPES], [w for _, w in INSURANCE_TYPES])[0]
    insured = insurance != "自费"
    visit = rng.randrange(10**5)
    return {
        "visit_type": "inpatient" if inpatient else "outpatient",
        **visit_numbers(extras_rng(issued, visit, province, issuer_name), visit, issued, inpatient),
        "department": rng.choice(DEPARTMENTS_INPATIENT if inpatient else DEPARTMENTS_OUTPATIENT),
        "institution_type": institution_type(issuer_name),
        "institution_level": level,
        "visit_date": None if inpatient else issued.isoformat(),
        "admitted_on": (issued - timedelta(days=days)).isoformat() if inpatient else None,
        "discharged_on": issued.isoformat() if inpatient else None,
        "days": days if inpatient else None,
        "insurance_type": insurance,
        "insurance_number": f"{province}{rng.randrange(10**12):012d}" if insured else "",
        "settlement_number": f"JS{issued:%Y%m%d}{rng.randrange(10**8):08d}" if insured else "",
    }


def housing_items(rng: random.Random, bill_type: BillType) -> list[dict[str, Any]]:
    area = rng.randint(55, 160)
    return [item(bill_type.items[0], area * rng.randint(60, 150) * 100, area)]


def make_content(
    rng: random.Random,
    bill_type: BillType,
    issued: date,
    level: str,
    province: str,
    issuer_name: str,
    total: int | None = None,
) -> Content:
    """A whole bill body for ``bill_type``; ``total`` fixes the amount, else one is drawn."""
    days = rng.randint(3, 21) if bill_type.key == "medical_inpatient" else 1
    if bill_type.key == "housing_maintenance" and total is None:
        rows = housing_items(rng, bill_type)
    else:
        rows = items_for(rng, bill_type, total if total is not None else sample_amount(rng, bill_type), days)
    amount = sum(row["amount"] for row in rows)
    medical = (
        add_medical(rng, bill_type, rows, issued, level, province, days, issuer_name) if bill_type.medical else None
    )
    content = Content(amount, rows, medical, REMARKS.get(bill_type.key, ""), person_name(rng, province))
    return with_standard_fields(content, issued, province, issuer_name)


def with_standard_fields(content: Content, issued: date, province: str, issuer_name: str) -> Content:
    """``content`` with its 业务流水号, 复核人 and each item's 标准 and 备注 (see standard_fields)."""
    extra = extras_rng(
        issued, province, issuer_name, content.total, content.handler, [row["code"] for row in content.items]
    )
    annotate_items(content.items)
    content.serial = content.serial or business_serial(extra, issued)
    content.reviewer = content.reviewer or person_name(extra, province)
    return content
