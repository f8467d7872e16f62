"""Comparing a bill's face with the text of its PDF basis: payer, amount, purpose.

Each comparison is a finding — what the face says, whether the basis says it too, and
what the basis was seen to say — so the unit and the reviewer see the same differences.
A basis whose text cannot be read (a scanned image) matches nothing and goes to a person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from common.money import yuan_display
from fiscal_stub.supervision.basis_text import amounts_in, squeezed

SHOWN_AMOUNTS = 6
# Endings a contract may leave off an item's name (捐赠款 → 捐赠, 代收代付款 → 代收代付).
NAME_ENDINGS = ("款", "费", "金", "资金")


@dataclass(frozen=True)
class Finding:
    key: str  # payer_name | amount | purpose
    label: str
    face: str
    found: bool
    seen: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def stems(name: str) -> list[str]:
    """The name, and the name without a common ending when two characters or more remain."""
    out = [name]
    for ending in NAME_ENDINGS:
        stem = name.removesuffix(ending)
        if stem != name and len(stem) >= 2:
            out.append(stem)
    return out


def compare(text: str, payer_name: str, amount: int, item_names: list[str], remark: str) -> list[Finding]:
    flat = squeezed(text)
    if not flat:
        unread = "未能从 PDF 中提取到文字（可能是扫描图片）"
        return [
            Finding("payer_name", "交款人", payer_name, False, unread),
            Finding("amount", "金额", yuan_display(amount), False, unread),
            Finding("purpose", "用途（收费项目）", "、".join(item_names), False, unread),
        ]
    name_found = squeezed(payer_name) in flat
    amounts = sorted(amounts_in(text))
    amount_found = amount in amounts
    shown = "、".join(yuan_display(a) for a in amounts[:SHOWN_AMOUNTS]) if amounts else "未识别到金额"
    named = [n for n in dict.fromkeys(item_names) if any(s in flat for s in stems(squeezed(n)))]
    remark_found = len(squeezed(remark)) >= 2 and squeezed(remark) in flat
    purpose_seen = "、".join(named) if named else ("备注所写用途" if remark_found else "未找到票面所列项目")
    name_seen = "资料中有此名称" if name_found else "资料中未找到此名称"
    return [
        Finding("payer_name", "交款人", payer_name, name_found, name_seen),
        Finding("amount", "金额", yuan_display(amount), amount_found, f"资料中的金额：{shown}"),
        Finding("purpose", "用途（收费项目）", "、".join(item_names), bool(named) or remark_found, purpose_seen),
    ]


def all_found(findings: list[Finding]) -> bool:
    return all(f.found for f in findings)
