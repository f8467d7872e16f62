"""One tax year of bills, summed the ways a family asks: by who paid, by hospital, by paying unit.

Every figure keeps the ids of the bills behind it, so a page can list them under the figure,
and each figure is a sum over the same entries — a total can never include a bill it does not list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from wallet.ledger.payments import BillPayments
from wallet.ledger.serious_illness import SeriousIllnessEstimate, estimate


@dataclass(frozen=True)
class LedgerEntry:
    """One bill as the ledger counts it. ``person`` is whose bill it is (the resident or a child);
    bills that no longer stand (red-reversed, or the red bill itself) are not entries."""

    bill_id: int
    person: str
    issuer: str
    type_name: str
    issued_on: date
    medical: bool
    payments: BillPayments
    code: str = ""
    number: str = ""


@dataclass
class Figure:
    label: str
    amount: int = 0
    bill_ids: list[int] = field(default_factory=list)

    def add(self, bill_id: int, amount: int) -> None:
        self.amount += amount
        if bill_id not in self.bill_ids:
            self.bill_ids.append(bill_id)


KIND_FUND, KIND_OTHER, KIND_UNITS, KIND_LEFT = "医保统筹基金", "其他医保", "单位报销", "个人负担"


@dataclass(frozen=True)
class YearLedger:
    year: int
    entries: tuple[LedgerEntry, ...]
    by_kind: tuple[Figure, ...]
    by_issuer: tuple[Figure, ...]
    by_unit: tuple[Figure, ...]
    by_person: tuple[Figure, ...]

    @property
    def total(self) -> int:
        return sum(entry.payments.total for entry in self.entries)

    @cached_property
    def by_id(self) -> dict[int, LedgerEntry]:
        """Each entry under its bill id, for the lists of bills under each figure."""
        return {entry.bill_id: entry for entry in self.entries}

    @property
    def left_to_us(self) -> int:
        return sum(entry.payments.left_to_us for entry in self.entries)

    def serious_illness(self, person: str) -> SeriousIllnessEstimate:
        """The person's 大病医疗 estimate: their medical bills' 个人自付 in the year."""
        counted = sum(e.payments.co_pay for e in self.entries if e.person == person and e.medical)
        return estimate(self.year, counted)


def _grouped(
    entries: Iterable[LedgerEntry], key: Callable[[LedgerEntry], str], amount: Callable[[LedgerEntry], int]
) -> tuple[Figure, ...]:
    figures: dict[str, Figure] = {}
    for entry in entries:
        figures.setdefault(key(entry), Figure(key(entry))).add(entry.bill_id, amount(entry))
    return tuple(sorted(figures.values(), key=lambda f: (-f.amount, f.label)))


def year_ledger(year: int, entries: Iterable[LedgerEntry]) -> YearLedger:
    """The ledger of ``year``: the entries issued in it, and their sums."""
    held = tuple(sorted((e for e in entries if e.issued_on.year == year), key=lambda e: (e.issued_on, e.bill_id)))
    kinds = {label: Figure(label) for label in (KIND_FUND, KIND_OTHER, KIND_UNITS, KIND_LEFT)}
    units: dict[str, Figure] = {}
    for entry in held:
        paid = entry.payments
        for label, amount in (
            (KIND_FUND, paid.fund),
            (KIND_OTHER, paid.other_insurance),
            (KIND_UNITS, paid.reimbursed - paid.overpaid),
            (KIND_LEFT, paid.left_to_us),
        ):
            if amount:
                kinds[label].add(entry.bill_id, amount)
        for refund in paid.reimbursements:
            units.setdefault(refund.unit, Figure(refund.unit)).add(entry.bill_id, refund.amount)
    return YearLedger(
        year=year,
        entries=held,
        by_kind=tuple(kinds.values()),
        by_issuer=_grouped(held, lambda e: e.issuer, lambda e: e.payments.total),
        by_unit=tuple(sorted(units.values(), key=lambda f: (-f.amount, f.label))),
        by_person=_grouped(held, lambda e: e.person, lambda e: e.payments.total),
    )
