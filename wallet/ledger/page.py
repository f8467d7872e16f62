"""What the ledger page shows for a resident and the people whose bills they hold, in one year."""

from __future__ import annotations

from dataclasses import dataclass, replace

from common.translatable import N_
from wallet.ledger.chart import BarChart, bar_chart
from wallet.ledger.entries import ledger_entries, ledger_years
from wallet.ledger.serious_illness import SeriousIllnessEstimate
from wallet.ledger.yearly import Figure, LedgerEntry, YearLedger, year_ledger
from wallet.services.family import Holder

SELF, CHILD, SPOUSE = "self", "child", "spouse"  # wallet.services.family's relations
# Who may take the deduction for whose costs (个人所得税专项附加扣除暂行办法 第十二条).
CLAIMED_BY = {
    SELF: N_("本人扣除，或由配偶扣除"),
    CHILD: N_("由父母一方扣除"),
    SPOUSE: N_("配偶本人扣除，或由您扣除"),
}


def holder_key(holder: Holder) -> str:
    """How a page and its export URLs name a person on the ledger."""
    return f"{holder.relation}-{holder.resident_id}"


@dataclass(frozen=True)
class PersonPart:
    holder: Holder
    estimate: SeriousIllnessEstimate
    medical_bills: int

    @property
    def claimed_by(self) -> str:
        return CLAIMED_BY[self.holder.relation]

    @property
    def key(self) -> str:
        return holder_key(self.holder)


@dataclass(frozen=True)
class LedgerPage:
    year: int
    years: list[int]
    ledger: YearLedger
    people: list[PersonPart]
    by_kind_chart: BarChart
    by_person_chart: BarChart
    # The ledger's figures by person, each labelled in the reader's language.
    by_person: tuple[Figure, ...]


def entries_for(holders: list[Holder], year: int) -> list[LedgerEntry]:
    entries: list[LedgerEntry] = []
    for holder in holders:
        held = ledger_entries(holder.resident_id, holder.label, year)
        entries += [e for e in held if holder.bill_ids is None or e.bill_id in holder.bill_ids]
    return entries


def ledger_page(holders: list[Holder], year: int | None, this_year: int) -> LedgerPage:
    """The page for ``year``, or for the newest year with bills (this year when there are none)."""
    years = ledger_years([h.resident_id for h in holders]) or [this_year]
    chosen = year if year in years else years[0]
    ledger = year_ledger(chosen, entries_for(holders, chosen))
    people = [
        PersonPart(
            holder=holder,
            estimate=ledger.serious_illness(holder.label),
            medical_bills=sum(1 for e in ledger.entries if e.person == holder.label and e.medical),
        )
        for holder in holders
    ]
    names = {holder.label: holder.shown_label for holder in holders}
    by_person = tuple(replace(f, label=names.get(f.label, f.label)) for f in ledger.by_person)
    return LedgerPage(
        year=chosen,
        years=years,
        ledger=ledger,
        people=people,
        by_kind_chart=bar_chart(ledger.by_kind),
        by_person_chart=bar_chart(by_person),
        by_person=by_person,
    )
