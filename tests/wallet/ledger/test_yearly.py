"""The yearly ledger: every figure is a sum over the bills it lists, and the year holds only its bills."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.wallet.ledger.test_payments import medical_documents, reimbursed
from wallet.ledger.payments import payments_of
from wallet.ledger.yearly import KIND_LEFT, LedgerEntry, year_ledger

PEOPLE = ["本人", "王*明", "王*红"]
HOSPITALS = ["内蒙古医科大学附属医院", "呼和浩特市第一医院", "包头市中心医院"]

# Generated wallets are large; on a busy machine one example can take long: time is not the property.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def entries(draw: st.DrawFn) -> list[LedgerEntry]:
    made = []
    for bill_id in range(1, draw(st.integers(min_value=0, max_value=12)) + 1):
        document = draw(medical_documents())
        made.append(
            LedgerEntry(
                bill_id=bill_id,
                person=draw(st.sampled_from(PEOPLE)),
                issuer=draw(st.sampled_from(HOSPITALS)),
                type_name="医疗门诊收费票据",
                issued_on=draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))),
                medical=True,
                payments=payments_of(document, draw(reimbursed(document))),
            )
        )
    return made


@PROPERTY
@given(entries())
def test_each_years_sums_equal_the_sums_of_the_bills_it_lists(made: list[LedgerEntry]) -> None:
    for year in (2025, 2026, 2027):
        ledger = year_ledger(year, made)
        listed = {e.bill_id: e for e in made if e.issued_on.year == year}
        assert {e.bill_id for e in ledger.entries} == set(listed)
        assert ledger.total == sum(e.payments.total for e in listed.values())
        assert sum(f.amount for f in ledger.by_kind) == ledger.total
        assert sum(f.amount for f in ledger.by_issuer) == ledger.total
        assert sum(f.amount for f in ledger.by_person) == ledger.total
        for figure in (*ledger.by_kind, *ledger.by_issuer, *ledger.by_unit, *ledger.by_person):
            assert set(figure.bill_ids) <= set(listed)
        left = next(f for f in ledger.by_kind if f.label == KIND_LEFT)
        assert left.amount == ledger.left_to_us == sum(e.payments.left_to_us for e in listed.values())


@PROPERTY
@given(entries())
def test_each_persons_estimate_counts_only_their_own_co_pay(made: list[LedgerEntry]) -> None:
    ledger = year_ledger(2026, made)
    for person in PEOPLE:
        own = sum(e.payments.co_pay for e in made if e.person == person and e.issued_on.year == 2026)
        assert ledger.serious_illness(person).counted == own
