"""核旧领新: numbers in batches — interface units apply (at most six months of their own use), online units
receive each number as they issue, every issued number in exactly one batch, and an unwritten-off cycle stops it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from common.database import write_transaction
from fiscal_stub.models import Bill, IssuingUnit, WriteOffCycle
from fiscal_stub.models.accounts import INTERFACE
from fiscal_stub.models.batches import APPLIED, AT_ISSUANCE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.issuing import exchange, red_reverse
from fiscal_stub.supervision.audit import Actor, trail
from fiscal_stub.supervision.batches import (
    NEW_UNIT_ALLOWANCE,
    apply_for_batch,
    batches_holding,
    months_back,
    six_month_use,
)
from fiscal_stub.supervision.guard import why_unit_cannot_issue, why_unit_gets_no_numbers
from tests.fiscal_stub.supervision.conftest import COURT, HOSPITAL, beijing

NOW = beijing(2026, 3, 10)


def apply(sv, unit, count, type_key="medical_outpatient", at=NOW):
    return apply_for_batch(sv.session, unit, type_key, count, Actor.unit(unit.code), at)


@pytest.fixture
def interface_hospital(sv):
    unit = sv.unit(HOSPITAL)
    sv.account(unit, INTERFACE)
    return unit


def test_months_back_keeps_the_day_or_takes_the_months_last():
    assert months_back(date(2026, 3, 10), 6) == date(2025, 9, 10)
    assert months_back(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_back(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_a_batch_holds_at_most_six_months_of_the_units_own_use(sv, interface_hospital):
    unit = interface_hospital
    recent = [NOW - timedelta(days=3 + i) for i in range(150)]  # within the last six months
    older = [beijing(2025, 9, 9) - timedelta(days=i) for i in range(40)]  # just before the window
    sv.history(unit, recent + older)
    sv.history(unit, [NOW - timedelta(days=2)] * 30, type_key="medical_inpatient")  # another type
    assert six_month_use(sv.session, unit.code, "medical_outpatient", NOW) == 150

    with pytest.raises(FiscalError) as over:
        apply(sv, unit, 151)
    assert over.value.code == "batch_over_limit" and "本次最多可申领 150 份" in over.value.message
    batch = apply(sv, unit, 100)
    assert (batch.count, batch.kind, batch.six_month_use, batch.code) == (100, APPLIED, 150, "15060126")
    with pytest.raises(FiscalError) as held:
        apply(sv, unit, 51)
    assert "尚有 100 份未使用" in held.value.message, "numbers still held count against the six months"
    assert apply(sv, unit, 50).first_number == batch.last_number + 1
    entry = trail(sv.session, unit.code)[0]
    assert entry.action == "batch.approved" and "共 50 份" in entry.detail


def test_a_unit_with_little_history_may_hold_the_starting_allowance(sv, interface_hospital):
    apply(sv, interface_hospital, NEW_UNIT_ALLOWANCE)
    with pytest.raises(FiscalError) as over:
        apply(sv, interface_hospital, 1)
    assert over.value.code == "batch_over_limit"


def test_online_units_apply_for_nothing_and_receive_each_number_as_they_issue(sv):
    unit = sv.unit(HOSPITAL)
    sv.account(unit)
    with pytest.raises(FiscalError) as refused:
        apply(sv, unit, 10)
    assert refused.value.code == "online_unit_needs_no_batch"
    bill = sv.issue(unit, NOW)
    (batch,) = batches_holding(sv.session, bill.code, bill.number)
    assert (batch.kind, batch.unit_code, batch.count, batch.used) == (AT_ISSUANCE, unit.code, 1, 1)


def test_an_interface_unit_issues_from_its_batch_in_order_and_not_without_one(sv, interface_hospital):
    unit = interface_hospital
    before = sv.bill_count()
    with pytest.raises(FiscalError) as none:
        sv.issue(unit, NOW)
    assert none.value.status == 409 and none.value.code == "no_numbers" and "请先申领" in none.value.message
    assert sv.bill_count() == before
    batch = apply(sv, unit, 2)
    first, second = sv.issue(unit, NOW), sv.issue(unit, NOW)
    assert [int(first.number), int(second.number)] == [batch.first_number, batch.last_number]
    with pytest.raises(FiscalError):
        sv.issue(unit, NOW)
    assert sv.fresh(batch).used == 2


def test_every_issued_number_belongs_to_exactly_one_batch(sv, interface_hospital):
    """Issued, red bills and exchanges, by an interface unit and online units, interleaved on one code."""
    online = sv.unit("呼和浩特市第一人民医院")
    apply(sv, interface_hospital, 5)
    issued = [sv.issue(interface_hospital, NOW), sv.issue(online, NOW), sv.issue(interface_hospital, NOW)]
    issued.append(sv.issue(online, NOW))
    _, red = red_reverse(sv.session, issued[0].code, issued[0].number, "金额有误", NOW)
    _, red_online = red_reverse(sv.session, issued[1].code, issued[1].number, "", NOW)
    exchange(sv.session, issued[2].code, issued[2].number, NOW)
    codes = {(b.code, b.number) for b in [*issued, red, red_online]}
    for code, number in codes:
        holders = batches_holding(sv.session, code, number)
        assert len(holders) == 1, (number, holders)
        bill = sv.session.execute(select(Bill).where(Bill.code == code, Bill.number == number)).scalar_one()
        assert holders[0].unit_code == bill.issuer_code
    assert batches_holding(sv.session, red.code, red.number)[0].kind == APPLIED, "a red bill takes its unit's number"


def open_cycle(sv, unit, period, status="pending"):
    write_transaction(sv.session)
    sv.session.add(WriteOffCycle(unit_code=unit.code, period_start=period, status=status))
    sv.session.commit()


def test_an_unwritten_off_cycle_stops_new_batches_and_online_issuance(sv, interface_hospital):
    online = sv.unit("呼和浩特市第一人民医院")
    batch = apply(sv, interface_hospital, 3)
    open_cycle(sv, interface_hospital, date(2026, 2, 1))
    open_cycle(sv, online, date(2026, 2, 1))

    reasons = why_unit_gets_no_numbers(sv.session, interface_hospital, NOW)
    assert [r.code for r in reasons] == ["writeoff_pending"] and "2026年02月" in reasons[0].message
    with pytest.raises(FiscalError) as no_batch:
        apply(sv, interface_hospital, 1)
    assert no_batch.value.code == "allocation_blocked"
    assert int(sv.issue(interface_hospital, NOW).number) == batch.first_number, "it may finish the batch it holds"

    assert [r.code for r in why_unit_cannot_issue(sv.session, online, NOW)] == ["writeoff_pending"]
    with pytest.raises(FiscalError) as no_issue:
        sv.issue(online, NOW)
    assert no_issue.value.code == "issuing_locked"

    write_transaction(sv.session)
    for cycle in sv.session.execute(select(WriteOffCycle)).scalars():
        cycle.status = "written_off"
    sv.session.commit()
    assert sv.issue(online, NOW).issuer_code == online.code
    apply(sv, interface_hospital, 1)


def test_a_cycle_older_than_the_last_closed_one_does_not_hold(sv):
    online = sv.unit("呼和浩特市第一人民医院")
    open_cycle(sv, online, date(2026, 1, 1))
    assert why_unit_cannot_issue(sv.session, online, NOW) == []


def test_units_outside_inner_mongolia_are_not_held(sv):
    beijing_unit = sv.session.execute(select(IssuingUnit).where(IssuingUnit.province == "11").limit(1)).scalar_one()
    assert why_unit_cannot_issue(sv.session, beijing_unit, NOW) == []
    assert sv.unit(COURT).province == "15"
