"""The fields the data standard (财政电子票据数据规范, medical bills) adds to a bill body.

业务流水号, 复核人, 医疗机构类型 apart from its grade, 门诊号/住院号/病历号 as separate
fields, the inpatient deposit settlement (预缴/补缴/退费), 其他医保支付 in its named parts,
each item's 标准 and 备注, and the inpatient 医疗收费明细. They are drawn from a generator
of their own, seeded from what the bill already holds, so adding them leaves every
amount and split a seed made before exactly as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from fiscal_stub.reference.names import DETAIL_NAMES

INSTITUTION_TYPES = (
    ("中医医院", "中医医院"),
    ("中西医结合医院", "中西医结合医院"),
    ("妇幼保健院", "妇幼保健院"),
    ("社区卫生服务中心", "社区卫生服务中心"),
    ("乡镇卫生院", "乡镇卫生院"),
    ("专科医院", "专科医院"),
)
# 其他医保支付 in the standard's named parts, in the order a bill prints them.
OTHER_PARTS = ("serious_illness", "medical_assistance", "civil_servant", "other")


def extras_rng(*seed_parts: object) -> random.Random:
    return random.Random(":".join(str(part) for part in ("standard", *seed_parts)))


def institution_type(issuer_name: str) -> str:
    """医疗机构类型 (the kind of institution, apart from its grade), read from the issuer's name."""
    return next((kind for marker, kind in INSTITUTION_TYPES if marker in issuer_name), "综合医院")


def gender_of(id_number: str) -> str:
    """性别 from a resident ID number: the 17th digit is odd for men (GB 11643)."""
    return "男" if int(id_number[16]) % 2 else "女"


def business_serial(rng: random.Random, issued: date) -> str:
    """业务流水号: the issuing system's own serial of the charge."""
    return f"{issued:%Y%m%d}{rng.randrange(10**10):010d}"


def annotate_items(rows: list[dict[str, Any]]) -> None:
    """Each item's 标准 (the unit price and its basis) and 备注 (what of it the catalogue leaves out)."""
    for row in rows:
        whole, cents = divmod(abs(row["price"]), 100)
        row.setdefault("standard", f"{whole:,}.{cents:02d}元/{row['unit']}")
        if "remark" not in row:
            share = row["self_paid"] / row["amount"] if row["amount"] else 0
            row["remark"] = "目录外自费" if share >= 1 else ("部分自费" if share > 0 else "")


def visit_numbers(rng: random.Random, visit: int, issued: date, inpatient: bool) -> dict[str, str | None]:
    """门诊号, 住院号 and 病历号 as the separate fields the standard has; ``visit`` is the visit's serial."""
    number = f"{issued:%Y%m%d}{visit:05d}"
    return {
        "outpatient_number": None if inpatient else f"MZ{number}",
        "inpatient_number": f"ZY{number}" if inpatient else None,
        "record_number": f"BL{rng.randrange(10**8):08d}",
    }


def other_parts(rng: random.Random, other: int) -> dict[str, int]:
    """其他医保支付 split into 大病保险, 医疗救助, 公务员医疗补助 and 其他; the parts add up to ``other``."""
    serious = other * rng.randint(50, 90) // 100
    assistance = (other - serious) * rng.randint(0, 70) // 100
    civil = (other - serious - assistance) * rng.randint(0, 100) // 100 if rng.random() < 0.2 else 0
    return {
        "serious_illness": serious,
        "medical_assistance": assistance,
        "civil_servant": civil,
        "other": other - serious - assistance - civil,
    }


def deposit(rng: random.Random, cash: int) -> dict[str, int]:
    """预缴金额 at admission, then 补缴 or 退费 at discharge so that deposit − refund + top-up = cash paid."""
    prepaid = max(100_000, (cash * rng.randint(60, 160) // 100) // 100_000 * 100_000)
    return {"prepaid": prepaid, "supplementary": max(0, cash - prepaid), "refunded": max(0, prepaid - cash)}


def detail_list(rng: random.Random, rows: list[dict[str, Any]], admitted: date, discharged: date) -> list[dict]:
    """医疗收费明细: each item broken into dated entries whose amounts add up to the item's."""
    days = max((discharged - admitted).days, 1)
    entries: list[dict[str, Any]] = []
    for row in rows:
        names = DETAIL_NAMES.get(row["code"], ((row["name"], "—"),))
        parts = 1 if row["unit"] == "日" else min(len(names), max(1, row["amount"] // 2_000), rng.randint(1, 4))
        amounts = _parts(rng, row["amount"], parts)
        ratio = round(100 * row["self_paid"] / row["amount"]) if row["amount"] else 0
        for index, amount in enumerate(amounts):
            name, spec = names[index % len(names)]
            quantity = row["quantity"] if parts == 1 else 1
            entries.append(
                {
                    "date": (admitted + timedelta(days=rng.randrange(days))).isoformat(),
                    "code": f"{row['code']}{index + 1:02d}",
                    "name": name,
                    "spec": spec,
                    "unit": row["unit"],
                    "quantity": quantity,
                    "price": amount // quantity,
                    "amount": amount,
                    "self_pay_ratio": ratio,
                }
            )
    entries.sort(key=lambda entry: (entry["date"], entry["code"]))
    return entries


def _parts(rng: random.Random, total: int, count: int) -> list[int]:
    cuts = sorted(rng.randint(1, total - 1) for _ in range(count - 1)) if total > count else []
    bounds = [0, *cuts, total]
    return [high - low for low, high in pairwise(bounds) if high > low] or [total]
