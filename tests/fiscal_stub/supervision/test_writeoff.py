"""自动核销: cycles opened by issuance, the working-day window, reconciliation, 已核销 bills that never change,
异常票据 cleared or marked 违规, and a notice unrectified for three months suspending the allocation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from fiscal_stub.models import BillBatch, WriteOffCycle
from fiscal_stub.models.accounts import INTERFACE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.issuing import exchange, red_reverse
from fiscal_stub.services.present import bill_status
from fiscal_stub.supervision.audit import Actor, trail
from fiscal_stub.supervision.batches import apply_for_batch
from fiscal_stub.supervision.guard import why_unit_cannot_issue, why_unit_gets_no_numbers
from fiscal_stub.supervision.review import accept, clear, mark_violation, report
from fiscal_stub.supervision.writeoff import cycle_of
from fiscal_stub.supervision.writeoffs import reconciliation_of, record_received, submit
from tests.fiscal_stub.conftest import WURINA
from tests.fiscal_stub.supervision.conftest import HOSPITAL, beijing

ONLINE_UNIT = "呼和浩特市第一人民医院"
OFFICER = Actor.finance("czt")


def codes(reasons):
    return [r.code for r in reasons]


def statuses(sv, bills):
    sv.session.rollback()
    return [sv.fresh(b).writeoff for b in bills]


def test_the_first_issuance_of_a_month_opens_its_cycle_once(sv):
    unit = sv.unit(ONLINE_UNIT)
    sv.issue(unit, beijing(2026, 3, 2))
    sv.issue(unit, beijing(2026, 3, 31, 23, 59))
    record_received(sv.session, unit, date(2026, 3, 1), 24000, None, Actor.unit(unit.code), beijing(2026, 4, 1))
    submit(sv.session, unit, date(2026, 3, 1), Actor.unit(unit.code), beijing(2026, 4, 1))
    sv.issue(unit, beijing(2026, 4, 1, 0, 1))
    cycles = sv.session.execute(select(WriteOffCycle).where(WriteOffCycle.unit_code == unit.code)).scalars().all()
    assert sorted((c.period_start, c.status) for c in cycles) == [
        (date(2026, 3, 1), "written_off"),
        (date(2026, 4, 1), "pending"),
    ]
    march = cycle_of(sv.session, unit.code, date(2026, 3, 1))
    assert len(reconciliation_of(sv.session, march).rows) == 2


def test_an_online_unit_writes_off_before_its_first_issuance_of_the_new_cycle(sv):
    unit = sv.unit(ONLINE_UNIT)
    bills = [sv.issue(unit, beijing(2026, 3, 5)), sv.issue(unit, beijing(2026, 3, 20), amount=5000)]
    april = beijing(2026, 4, 1, 8)
    assert codes(why_unit_cannot_issue(sv.session, unit, april)) == ["writeoff_pending"]
    with pytest.raises(FiscalError) as refused:
        sv.issue(unit, april)
    assert refused.value.code == "issuing_locked" and "2026年03月" in refused.value.message

    record_received(sv.session, unit, date(2026, 3, 1), 17000, None, Actor.unit(unit.code), april)
    result = submit(sv.session, unit, date(2026, 3, 1), Actor.unit(unit.code), april)
    assert result.consistent and statuses(sv, bills) == ["written_off", "written_off"]
    assert cycle_of(sv.session, unit.code, date(2026, 3, 1)).status == "written_off"
    assert sv.issue(unit, april).issuer_code == unit.code
    assert [e.action for e in trail(sv.session, unit.code)[:2]] == ["writeoff.submitted", "writeoff.received"]


def interface_unit_with_september(sv, year):
    unit = sv.unit(HOSPITAL)
    sv.account(unit, INTERFACE)
    apply_for_batch(sv.session, unit, "medical_outpatient", 5, Actor.unit(unit.code), beijing(year, 9, 1))
    sv.issue(unit, beijing(year, 9, 15))
    return unit


@pytest.mark.parametrize(
    ("year", "last_day_of_window", "first_day_held"),
    [
        (2026, date(2026, 10, 13), date(2026, 10, 14)),  # 8, 9, 10 (调休 Saturday), 12, 13
        (2025, date(2025, 10, 14), date(2025, 10, 15)),  # 9, 10, 11 (调休 Saturday), 13, 14
    ],
)
def test_an_interface_unit_keeps_its_allocation_through_the_first_five_working_days(
    sv, year, last_day_of_window, first_day_held
):
    unit = interface_unit_with_september(sv, year)
    for day in (date(year, 10, 1), date(year, 10, 8), last_day_of_window):
        assert why_unit_gets_no_numbers(sv.session, unit, beijing(day.year, day.month, day.day, 23, 59)) == []
    held = why_unit_gets_no_numbers(sv.session, unit, beijing(first_day_held.year, 10, first_day_held.day, 0, 1))
    assert codes(held) == ["writeoff_pending"]
    assert f"{last_day_of_window.month}月{last_day_of_window.day}日前" in held[0].message
    with pytest.raises(FiscalError) as refused:
        apply_for_batch(sv.session, unit, "medical_outpatient", 1, Actor.unit(unit.code), beijing(year, 10, 20))
    assert refused.value.code == "allocation_blocked"
    assert sv.issue(unit, beijing(year, 10, 20)).issuer_code == unit.code, "it may finish the batch it holds"

    record_received(sv.session, unit, date(year, 9, 1), 12000, None, Actor.unit(unit.code), beijing(year, 10, 20))
    submit(sv.session, unit, date(year, 9, 1), Actor.unit(unit.code), beijing(year, 10, 20))
    assert why_unit_gets_no_numbers(sv.session, unit, beijing(year, 10, 20)) == []


def test_a_written_off_bill_never_changes_again(sv):
    unit = sv.unit(ONLINE_UNIT)
    bill = sv.issue(unit, beijing(2026, 3, 5))
    april = beijing(2026, 4, 2)
    record_received(sv.session, unit, date(2026, 3, 1), 12000, None, Actor.unit(unit.code), april)
    submit(sv.session, unit, date(2026, 3, 1), Actor.unit(unit.code), april)
    version = sv.fresh(bill).version
    with pytest.raises(FiscalError) as red:
        red_reverse(sv.session, bill.code, bill.number, "", april)
    with pytest.raises(FiscalError) as paper:
        exchange(sv.session, bill.code, bill.number, april)
    assert red.value.code == paper.value.code == "bill_written_off"
    assert (sv.fresh(bill).issuance, bill.version, bill.writeoff) == ("normal", version, "written_off")


def test_reconciliation_counts_red_reversed_and_exchanged_bills_and_nets_the_refund(sv):
    unit = sv.unit(ONLINE_UNIT)
    kept = sv.issue(unit, beijing(2026, 3, 3), amount=30000)
    wrong = sv.issue(unit, beijing(2026, 3, 4), amount=10000)
    paper = sv.issue(unit, beijing(2026, 3, 5), amount=2000)
    red_reverse(sv.session, wrong.code, wrong.number, "金额有误", beijing(2026, 3, 6))
    exchange(sv.session, paper.code, paper.number, beijing(2026, 3, 7))
    cycle = cycle_of(sv.session, unit.code, date(2026, 3, 1))
    result = reconciliation_of(sv.session, cycle)
    assert (len(result.rows), len(result.red), len(result.reversed), len(result.exchanged)) == (4, 1, 1, 1)
    assert (result.issued_total, result.red_total, result.expected_total) == (42000, -10000, 32000)
    assert [line.used for line in result.lines] == [4] and not result.ready
    assert kept.id in {r.bill.id for r in result.rows}


def test_an_inconsistent_total_sends_every_bill_to_review_and_finance_clears_them(sv):
    unit = sv.unit(ONLINE_UNIT)
    bills = [sv.issue(unit, beijing(2026, 3, 5)), sv.issue(unit, beijing(2026, 3, 6))]
    april = beijing(2026, 4, 1)
    record_received(sv.session, unit, date(2026, 3, 1), 23000, None, Actor.unit(unit.code), april)
    result = submit(sv.session, unit, date(2026, 3, 1), Actor.unit(unit.code), april)
    assert not result.consistent and len(result.abnormal) == 2 and "相差 -10.00 元" in result.abnormal[0].problem
    assert statuses(sv, bills) == ["abnormal", "abnormal"]
    cycle = cycle_of(sv.session, unit.code, date(2026, 3, 1))
    assert cycle.status == "abnormal"
    assert why_unit_cannot_issue(sv.session, unit, april) == [], "the unit did its part: 异常票据 hold nothing"
    with pytest.raises(FiscalError) as under_review:
        red_reverse(sv.session, bills[0].code, bills[0].number, "", april)
    assert under_review.value.code == "bill_under_review"

    assert clear(sv.session, cycle.id, [bills[0].id], OFFICER, april) == 1
    assert statuses(sv, bills) == ["written_off", "abnormal"]
    with pytest.raises(FiscalError) as twice:
        clear(sv.session, cycle.id, [bills[0].id], OFFICER, april)
    assert twice.value.code == "bills_already_decided"
    clear(sv.session, cycle.id, [bills[1].id], OFFICER, april)
    assert sv.fresh(cycle).status == "written_off" and cycle.written_off_at is not None
    entry = trail(sv.session, unit.code)[0]
    assert (entry.action, entry.actor_kind, entry.actor) == ("abnormal.cleared", "finance", "czt")


def test_per_bill_amounts_single_out_the_bill_that_did_not_arrive(sv):
    unit = sv.unit(ONLINE_UNIT)
    good, short = sv.issue(unit, beijing(2026, 3, 5)), sv.issue(unit, beijing(2026, 3, 6))
    april = beijing(2026, 4, 1)
    amounts = {f"{good.code}-{good.number}": 12000, f"{short.code}-{short.number}": 11000}
    record_received(sv.session, unit, date(2026, 3, 1), None, amounts, Actor.unit(unit.code), april)
    result = submit(sv.session, unit, date(2026, 3, 1), Actor.unit(unit.code), april)
    assert [r.bill.id for r in result.abnormal] == [short.id]
    assert statuses(sv, [good, short]) == ["written_off", "abnormal"]


def test_a_gap_in_a_batch_makes_its_bills_abnormal(sv):
    unit = interface_unit_with_september(sv, 2026)
    batch = sv.session.execute(select(BillBatch).where(BillBatch.unit_code == unit.code)).scalar_one()
    batch.used += 1  # a number counted as used with no bill behind it (断号)
    sv.session.commit()
    record_received(sv.session, unit, date(2026, 9, 1), 12000, None, Actor.unit(unit.code), beijing(2026, 10, 9))
    result = submit(sv.session, unit, date(2026, 9, 1), Actor.unit(unit.code), beijing(2026, 10, 9))
    assert len(result.abnormal) == 1 and "断号 1 个" in result.abnormal[0].problem and result.problems


def test_a_violation_unrectified_for_three_months_suspends_the_allocation_until_accepted(sv):
    unit = sv.unit(ONLINE_UNIT)
    bill = sv.issue(unit, beijing(2026, 3, 5))
    april = beijing(2026, 4, 1)
    record_received(sv.session, unit, date(2026, 3, 1), 0, None, Actor.unit(unit.code), april)
    submit(sv.session, unit, date(2026, 3, 1), Actor.unit(unit.code), april)
    cycle = cycle_of(sv.session, unit.code, date(2026, 3, 1))
    with pytest.raises(FiscalError) as no_text:
        mark_violation(sv.session, cycle.id, [bill.id], " ", OFFICER, beijing(2026, 4, 10))
    assert no_text.value.code == "invalid_text" and sv.fresh(bill).writeoff == "abnormal"
    notice = mark_violation(
        sv.session, cycle.id, [bill.id], "收费未到账，请核实并追缴。", OFFICER, beijing(2026, 4, 10)
    )
    assert notice.deadline == date(2026, 7, 10)
    assert (sv.fresh(bill).writeoff, sv.fresh(cycle).status) == ("violation", "violation")
    served = bill_status(bill, [], april)
    assert served["writeoff"] == "violation" and served["issuance"] == "normal"

    assert why_unit_gets_no_numbers(sv.session, unit, beijing(2026, 7, 9, 23, 59)) == []
    held = why_unit_cannot_issue(sv.session, unit, beijing(2026, 7, 10, 0, 1))
    assert codes(held) == ["writeoff_suspended"] and "2026年7月10日" in held[0].message

    with pytest.raises(FiscalError) as early:
        accept(sv.session, notice.id, OFFICER, beijing(2026, 7, 11))
    assert early.value.code == "report_missing"
    report(sv.session, unit, notice.id, "已追缴到账并完善收费台账。", beijing(2026, 7, 11))
    assert codes(why_unit_cannot_issue(sv.session, unit, beijing(2026, 7, 11))) == ["writeoff_suspended"]
    accept(sv.session, notice.id, OFFICER, beijing(2026, 7, 12))
    assert why_unit_cannot_issue(sv.session, unit, beijing(2026, 7, 12)) == []
    assert (sv.fresh(bill).writeoff, sv.fresh(cycle).status) == ("written_off", "written_off")


def test_a_cycle_is_submitted_once_after_it_closed_and_with_what_arrived(sv):
    unit = sv.unit(ONLINE_UNIT)
    sv.issue(unit, beijing(2026, 3, 5))
    march, actor = date(2026, 3, 1), Actor.unit(unit.code)
    with pytest.raises(FiscalError) as open_cycle:
        record_received(sv.session, unit, march, 12000, None, actor, beijing(2026, 3, 31, 23))
    assert open_cycle.value.code == "cycle_not_closed"
    with pytest.raises(FiscalError) as nothing_given:
        submit(sv.session, unit, march, actor, beijing(2026, 4, 1))
    assert nothing_given.value.code == "received_missing"
    with pytest.raises(FiscalError) as unknown:
        submit(sv.session, unit, date(2026, 2, 1), actor, beijing(2026, 4, 1))
    assert unknown.value.code == "cycle_not_found"
    record_received(sv.session, unit, march, 12000, None, actor, beijing(2026, 4, 1))
    submit(sv.session, unit, march, actor, beijing(2026, 4, 1))
    with pytest.raises(FiscalError) as again:
        submit(sv.session, unit, march, actor, beijing(2026, 4, 1))
    assert again.value.code == "cycle_submitted"


def test_each_mark_is_a_status_change_the_feed_carries(sv):
    unit = sv.unit(ONLINE_UNIT)
    assert sv.api.post("/subscriptions", {"id_number": WURINA[0]}).status_code == 200
    bill = sv.issue(unit, beijing(2026, 3, 5))
    before = bill.version
    record_received(sv.session, unit, date(2026, 3, 1), 0, None, Actor.unit(unit.code), beijing(2026, 4, 1))
    submit(sv.session, unit, date(2026, 3, 1), Actor.unit(unit.code), beijing(2026, 4, 1))
    served = sv.api.fetch({"code": bill.code, "number": bill.number})
    assert served["version"] == before + 1 and served["status"]["writeoff"] == "abnormal"
    events = sv.api.get("/feed?limit=100").json()["events"]
    assert [(e["type"], e["version"], e["status"]["writeoff"]) for e in events if e["number"] == bill.number] == [
        ("issued", before, None),
        ("abnormal", before + 1, "abnormal"),
    ]
