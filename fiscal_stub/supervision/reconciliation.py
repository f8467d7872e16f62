"""Reconciling a cycle before its write-off (核对): what was issued against what actually arrived (到账金额),
and the numbers used against the numbers allocated.

A pure function of the cycle's bills, its batches and the received amounts the unit gave,
so the page, the submission and the tests read one answer. A bill agrees when its number
came from a batch without gaps and its money arrived: to the fen when the unit imported
amounts per bill; when it typed one total, the total must agree, or no bill can be told
apart and every one goes to review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from common.money import yuan
from fiscal_stub.supervision.cycles import BatchLine


class CycleBill(Protocol):
    id: int
    code: str
    number: str
    total: int
    issuance: str
    original_code: str | None


def bill_key(code: str, number: str) -> str:
    return f"{code}-{number}"


@dataclass(frozen=True)
class Row:
    bill: CycleBill
    received: int | None  # per bill only when imported per bill
    problem: str

    @property
    def expected(self) -> int:
        return self.bill.total


@dataclass
class Reconciliation:
    rows: list[Row]
    lines: list[BatchLine]
    received_total: int | None
    per_bill: bool
    problems: list[str] = field(default_factory=list)  # about the whole cycle

    @property
    def ready(self) -> bool:
        """Whether the unit has given what arrived (nothing can be written off before)."""
        return self.received_total is not None

    @property
    def consistent(self) -> bool:
        return self.ready and not any(r.problem for r in self.rows)

    @property
    def expected_total(self) -> int:
        return sum(r.expected for r in self.rows)

    @property
    def difference(self) -> int | None:
        return None if self.received_total is None else self.received_total - self.expected_total

    @property
    def issued(self) -> list[Row]:
        return [r for r in self.rows if r.bill.original_code is None]

    @property
    def issued_total(self) -> int:
        return sum(r.expected for r in self.issued)

    @property
    def red(self) -> list[Row]:
        """Red (冲红) bills issued in the cycle: negative amounts, money refunded."""
        return [r for r in self.rows if r.bill.original_code is not None]

    @property
    def red_total(self) -> int:
        return sum(r.expected for r in self.red)

    @property
    def reversed(self) -> list[Row]:
        return [r for r in self.rows if r.bill.issuance == "red_reversed"]

    @property
    def exchanged(self) -> list[Row]:
        return [r for r in self.rows if r.bill.issuance == "exchanged"]

    @property
    def abnormal(self) -> list[Row]:
        return [r for r in self.rows if r.problem]


def _gap_problems(lines: list[BatchLine]) -> dict[tuple[str, int, int], str]:
    return {
        (line.code, line.first, line.last): (
            f"号段 {line.code} {line.first:010d}–{line.last:010d} 已用 {line.used} 个号码，"
            f"只有 {line.found} 张票据（断号 {line.gap} 个）"
        )
        for line in lines
        if line.applied and line.gap
    }


def _in_line(bill: CycleBill, code: str, first: int, last: int) -> bool:
    return bill.code == code and first <= int(bill.number) <= last


def reconcile(
    bills: Sequence[CycleBill],
    lines: list[BatchLine],
    received_total: int | None,
    received_by_bill: dict[str, int] | None,
) -> Reconciliation:
    gaps = _gap_problems(lines)
    expected_total = sum(b.total for b in bills)
    total_problem = ""
    if received_by_bill is None and received_total is not None and received_total != expected_total:
        total_problem = f"本周期到账合计与开票合计相差 {yuan(received_total - expected_total)} 元，无法逐张核对"
    rows = []
    for bill in bills:
        problems = [text for (code, first, last), text in gaps.items() if _in_line(bill, code, first, last)]
        received = None
        if received_by_bill is not None:
            received = received_by_bill.get(bill_key(bill.code, bill.number))
            if received is None:
                problems.append("到账记录中没有这张票据")
            elif received != bill.total:
                problems.append(
                    f"到账 {yuan(received)} 元，与开票金额 {yuan(bill.total)} 元相差 {yuan(received - bill.total)} 元"
                )
        elif total_problem:
            problems.append(total_problem)
        rows.append(Row(bill, received, "；".join(problems)))
    result = Reconciliation(rows, lines, received_total, received_by_bill is not None)
    result.problems = list(gaps.values()) + ([total_problem] if total_problem else [])
    return result
