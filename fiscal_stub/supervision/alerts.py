"""Supervision warnings (预警): suspicious issuance found in the history, each with the bills behind it.

Computed when asked, over the supervised units' bills of a recent window, so a warning
always reflects the bills as they stand. Each rule is a plain function of those bills;
the thresholds are the department's starting point, named here:

- 红冲频繁: at least ``RED_MIN`` red reversals making up ``RED_SHARE`` of the unit's bills;
- 金额异常: a bill far from the unit's usual amounts of its type — robust z-score
  (median and MAD, Iglewicz–Hoaglin) above ``Z_LIMIT``, or outside ``IQR_FENCE`` × IQR of
  the quartiles where the MAD is zero — once the unit has ``AMOUNT_HISTORY`` such bills;
- 非工作时间开票: issued before 07:00 or from 22:00 (Beijing time);
- 同一交款人短时间内多次开票: ``REPEAT_MIN`` bills to one payer within ``REPEAT_SPAN``;
- 报销锁定后换开: exchanged to paper after a reimbursement unit had locked the bill (the
  electronic bill was already in a claim: paper and electronic could both be reimbursed).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from common.database import DbSession
from common.money import yuan
from common.timeutil import to_local
from fiscal_stub.models import Bill, IssuingUnit, StatusEvent
from fiscal_stub.supervision.guard import SUPERVISED_PROVINCES

WINDOW = timedelta(days=180)
RED_MIN, RED_SHARE = 3, 0.10
AMOUNT_HISTORY, Z_LIMIT, IQR_FENCE = 20, 3.5, 3.0
WORK_START, WORK_END = 7, 22
REPEAT_MIN, REPEAT_SPAN = 3, timedelta(hours=24)
EVIDENCE_LIMIT = 20

KINDS = {
    "red_reversals": "红冲频繁",
    "unusual_amount": "金额异常",
    "outside_hours": "非工作时间开票",
    "repeat_payer": "同一交款人短时间内多次开票",
    "exchange_after_lock": "报销锁定后换开纸质票据",
}


@dataclass(frozen=True)
class Alert:
    kind: str
    unit_code: str
    summary: str
    bills: list[Bill]  # the evidence, at most EVIDENCE_LIMIT
    count: int  # how many bills the warning rests on

    @property
    def kind_name(self) -> str:
        return KINDS[self.kind]


def _alert(kind: str, unit_code: str, summary: str, bills: list[Bill]) -> Alert:
    return Alert(kind, unit_code, summary, sorted(bills, key=lambda b: b.issued_at)[:EVIDENCE_LIMIT], len(bills))


def red_reversals(by_unit: dict[str, list[Bill]]) -> list[Alert]:
    alerts = []
    for code, bills in by_unit.items():
        reds = [b for b in bills if b.is_red]
        if len(reds) >= RED_MIN and len(reds) >= RED_SHARE * len(bills):
            share = round(100 * len(reds) / len(bills))
            summary = f"冲红 {len(reds)} 张，占同期开票 {len(bills)} 张的 {share}%"
            alerts.append(_alert("red_reversals", code, summary, reds))
    return alerts


def _outliers(amounts: list[int]) -> Callable[[int], float | None]:
    """How far an amount lies from the others, in the measure that can tell (None: not an outlier)."""
    median = statistics.median(amounts)
    mad = statistics.median(abs(a - median) for a in amounts)
    if mad:
        return lambda x: z if abs(z := 0.6745 * (x - median) / mad) > Z_LIMIT else None
    q1, _, q3 = statistics.quantiles(amounts, n=4)
    iqr = q3 - q1
    if not iqr:
        return lambda x: None
    return lambda x: (x - median) / iqr if not q1 - IQR_FENCE * iqr <= x <= q3 + IQR_FENCE * iqr else None


def unusual_amounts(by_unit: dict[str, list[Bill]]) -> list[Alert]:
    alerts = []
    for code, bills in by_unit.items():
        by_type: dict[str, list[Bill]] = defaultdict(list)
        for bill in bills:
            if not bill.is_red and bill.total > 0:
                by_type[bill.type_key].append(bill)
        flagged: list[Bill] = []
        for group in by_type.values():
            if len(group) < AMOUNT_HISTORY:
                continue
            far = _outliers([b.total for b in group])
            flagged += [b for b in group if far(b.total) is not None]
        if flagged:
            usual = statistics.median(b.total for b in bills if not b.is_red and b.total > 0)
            summary = f"{len(flagged)} 张票据金额远离本单位同类票据的常见金额（中位数约 {yuan(int(usual))} 元）"
            alerts.append(_alert("unusual_amount", code, summary, flagged))
    return alerts


def outside_hours(by_unit: dict[str, list[Bill]]) -> list[Alert]:
    alerts = []
    for code, bills in by_unit.items():
        late = [b for b in bills if not WORK_START <= to_local(b.issued_at).hour < WORK_END]
        if late:
            summary = f"{len(late)} 张票据开具于 {WORK_END}:00 至次日 {WORK_START}:00 之间"
            alerts.append(_alert("outside_hours", code, summary, late))
    return alerts


def repeat_payers(by_unit: dict[str, list[Bill]]) -> list[Alert]:
    alerts = []
    for code, bills in by_unit.items():
        by_payer: dict[str, list[Bill]] = defaultdict(list)
        for bill in bills:
            if not bill.is_red:
                by_payer[bill.payer_id_number].append(bill)
        for group in by_payer.values():
            group.sort(key=lambda b: b.issued_at)
            burst = _densest(group)
            if len(burst) >= REPEAT_MIN:
                summary = f"同一交款人{burst[0].payer_name} 24 小时内被开票 {len(burst)} 张"
                alerts.append(_alert("repeat_payer", code, summary, burst))
    return alerts


def _densest(bills: list[Bill]) -> list[Bill]:
    """The most bills that fit in one REPEAT_SPAN (bills sorted by time)."""
    best: list[Bill] = []
    start = 0
    for end, bill in enumerate(bills):
        while bill.issued_at - bills[start].issued_at > REPEAT_SPAN:
            start += 1
        if end - start + 1 > len(best):
            best = bills[start : end + 1]
    return best


def exchanges_after_locks(session: DbSession, by_unit: dict[str, list[Bill]]) -> list[Alert]:
    exchanged = {(b.code, b.number): b for bills in by_unit.values() for b in bills if b.issuance == "exchanged"}
    if not exchanged:
        return []
    locks = session.execute(
        select(StatusEvent.code, StatusEvent.number, StatusEvent.at).where(
            StatusEvent.type == "locked", StatusEvent.number.in_({n for _, n in exchanged})
        )
    ).all()
    flagged: dict[str, list[Bill]] = defaultdict(list)
    for code, number, at in locks:
        bill = exchanged.get((code, number))
        if bill is not None and bill.exchanged_at is not None and at < bill.exchanged_at:
            if bill not in flagged[bill.issuer_code]:
                flagged[bill.issuer_code].append(bill)
    return [
        _alert("exchange_after_lock", code, f"{len(bills)} 张票据曾被报销单位锁定，之后被换开为纸质票据", bills)
        for code, bills in flagged.items()
    ]


def alerts(session: DbSession, now: datetime, kind: str | None = None) -> tuple[list[Alert], dict[str, IssuingUnit]]:
    """Every warning over the window ending ``now`` (of one kind, if given), and the units they name."""
    bills = list(
        session.execute(
            select(Bill)
            .where(Bill.province.in_(SUPERVISED_PROVINCES), Bill.issued_at > now - WINDOW, Bill.issued_at <= now)
            .order_by(Bill.issued_at)
        ).scalars()
    )
    by_unit: dict[str, list[Bill]] = defaultdict(list)
    for bill in bills:
        by_unit[bill.issuer_code].append(bill)
    found: list[Alert] = []
    for key in KINDS:
        if kind in (None, key):
            found += exchanges_after_locks(session, by_unit) if key == "exchange_after_lock" else RULES[key](by_unit)
    units = {
        u.code: u for u in session.execute(select(IssuingUnit).where(IssuingUnit.code.in_(list(by_unit)))).scalars()
    }
    return found, units


RULES: dict[str, Callable[[dict[str, list[Bill]]], list[Alert]]] = {
    "red_reversals": red_reversals,
    "unusual_amount": unusual_amounts,
    "outside_hours": outside_hours,
    "repeat_payer": repeat_payers,
}
