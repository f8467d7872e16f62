"""Supervision warnings, one kind at a time with the bills behind each, and the finance department's search:
filters, keyset pages that neither skip nor repeat a bill, bad input refused; both pages over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fiscal_stub.models import Bill
from fiscal_stub.services.issuing import exchange, red_reverse
from fiscal_stub.services.status import lock_bill, unlock_bill
from fiscal_stub.supervision.alerts import alerts
from fiscal_stub.supervision.search import BillQuery, CursorRefused, read_query, search
from tests.fiscal_stub.conftest import WANG, WURINA
from tests.fiscal_stub.supervision.conftest import COURT, HOSPITAL, beijing
from tests.fiscal_stub.supervision.test_supervision_http import officer_console

NOW = beijing(2026, 3, 28, 12)


def kinds_of(found, unit):
    return {a.kind: a for a in found if a.unit_code == unit.code}


def issue_many(sv, unit, moments, **fields):
    return [sv.issue(unit, at, **fields) for at in moments]


def test_many_red_reversals_are_a_warning_with_the_red_bills_as_evidence(sv):
    unit = sv.unit(HOSPITAL)
    bills = issue_many(sv, unit, [beijing(2026, 3, d) for d in range(2, 12)])
    reds = [red_reverse(sv.session, b.code, b.number, "", beijing(2026, 3, 12))[1] for b in bills[:3]]
    alert = kinds_of(alerts(sv.session, NOW)[0], unit)["red_reversals"]
    assert {b.id for b in alert.bills} == {r.id for r in reds} and "冲红 3 张" in alert.summary
    court = sv.unit(COURT)
    issue_many(sv, court, [beijing(2026, 3, d) for d in range(2, 12)], type_key="court_fee")
    assert "red_reversals" not in kinds_of(alerts(sv.session, NOW)[0], court)


def test_an_amount_far_from_the_units_usual_is_a_warning(sv):
    unit = sv.unit(HOSPITAL)
    usual = [11000 + 137 * (i % 9) for i in range(24)]
    for i, amount in enumerate(usual):
        sv.issue(unit, beijing(2026, 3, 1, 9) + timedelta(hours=i // 2), amount=amount)
    far = sv.issue(unit, beijing(2026, 3, 20), amount=980000)
    near = sv.issue(unit, beijing(2026, 3, 21), amount=11800)
    alert = kinds_of(alerts(sv.session, NOW)[0], unit)["unusual_amount"]
    assert [b.id for b in alert.bills] == [far.id] and near.id not in {b.id for b in alert.bills}


def test_issuance_outside_working_hours_is_a_warning(sv):
    unit = sv.unit(HOSPITAL)
    day, night, dawn = (sv.issue(unit, beijing(2026, 3, 3, h, m)) for h, m in ((10, 0), (23, 30), (6, 59)))
    alert = kinds_of(alerts(sv.session, NOW)[0], unit)["outside_hours"]
    assert [b.id for b in alert.bills] == [dawn.id, night.id] and day.id not in {b.id for b in alert.bills}


def test_the_same_payer_billed_repeatedly_in_a_day_is_a_warning(sv):
    unit = sv.unit(HOSPITAL)
    burst = issue_many(sv, unit, [beijing(2026, 3, 3, h) for h in (9, 13, 17)])
    spread = [sv.issue(unit, beijing(2026, 3, d)) for d in (10, 15)]
    found = [a for a in alerts(sv.session, NOW)[0] if a.kind == "repeat_payer" and a.unit_code == unit.code]
    assert len(found) == 1 and [b.id for b in found[0].bills] == [b.id for b in burst]
    assert WURINA[1] in found[0].summary and not {b.id for b in spread} & {b.id for b in found[0].bills}


def test_exchange_to_paper_after_a_reimbursement_lock_is_a_warning(sv):
    unit = sv.unit(HOSPITAL)
    locked_first, plain = issue_many(sv, unit, [beijing(2026, 3, 3), beijing(2026, 3, 4)])
    at = beijing(2026, 3, 5)
    lock_bill(sv.session, locked_first.code, locked_first.number, platform="15", unit_code="INS-1",
              unit_name="某保险公司", ttl_seconds=3600, now=at)  # fmt: skip
    unlock_bill(sv.session, locked_first.code, locked_first.number, unit_code="INS-1", now=at + timedelta(minutes=5))
    exchange(sv.session, locked_first.code, locked_first.number, at + timedelta(hours=1))
    exchange(sv.session, plain.code, plain.number, at + timedelta(hours=1))
    alert = kinds_of(alerts(sv.session, NOW)[0], unit)["exchange_after_lock"]
    assert [b.id for b in alert.bills] == [locked_first.id]


def test_search_filters_and_keyset_pages_see_every_bill_once(sv):
    hospital, court = sv.unit(HOSPITAL), sv.unit(COURT)
    for i in range(25):
        sv.issue(hospital, beijing(2026, 3, 1, 9) + timedelta(minutes=i), amount=10000 + i)
    sv.issue(court, beijing(2026, 3, 2), type_key="court_fee", amount=10005)
    sv.issue(hospital, beijing(2026, 3, 4), amount=10003)
    query = BillQuery(unit_code=hospital.code, type_key="medical_outpatient", payer=WURINA[0])
    seen, cursor = [], ""
    while True:
        page, cursor = search(sv.session, query, cursor, limit=10)
        seen += [b.id for b in page]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 26
    rows = {b.id: b for b in sv.session.execute(select(Bill).where(Bill.id.in_(seen))).scalars()}
    order = [(rows[i].issued_at, i) for i in seen]
    assert order == sorted(order, reverse=True), "newest first, ties by id"

    ranged = BillQuery(amount_min=10003, amount_max=10005)
    assert sorted(b.total for b in search(sv.session, ranged)[0]) == [10003, 10003, 10004, 10005, 10005]
    by_date = BillQuery(date_from=beijing(2026, 3, 2).date(), date_to=beijing(2026, 3, 2).date())
    assert [b.issuer_code for b in search(sv.session, by_date)[0]] == [court.code]
    assert search(sv.session, BillQuery(payer=WANG[1]))[0] == []
    assert len(search(sv.session, BillQuery(payer=WURINA[1]), limit=100)[0]) == 27
    with pytest.raises(CursorRefused):
        search(sv.session, query, "not-a-cursor")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"unit": "NOT-A-UNIT"}, "unit"),
        ({"type": "nope"}, "type"),
        ({"amount_min": "1e3"}, "amount_min"),
        ({"amount_min": "20", "amount_max": "10"}, "amount_max"),
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"payer": "a\x00b"}, "payer"),
    ],
)
def test_bad_search_input_is_named_field_by_field(args, field):
    _, problems = read_query(args, {"12150102DW156XD89L"})
    assert list(problems) == [field]


def test_the_finance_pages_list_warnings_and_search_over_http(sv, clock):
    clock.set(NOW)
    unit = sv.unit(HOSPITAL)
    night = sv.issue(unit, beijing(2026, 3, 3, 23))
    finance = officer_console(sv)
    base = f"{sv.api.base}/fiscal/console/finance"
    page = finance.get(f"{base}/warnings?kind=outside_hours", timeout=30)
    assert page.status_code == 200 and "非工作时间开票" in page.text and night.number in page.text
    assert finance.get(f"{base}/warnings?kind=nope", timeout=30).status_code == 400
    found = finance.get(f"{base}/search", params={"unit": unit.code, "payer": WURINA[1]}, timeout=30)
    assert found.status_code == 200 and night.number in found.text
    bad = finance.get(f"{base}/search", params={"amount_max": "abc"}, timeout=30)
    assert bad.status_code == 400 and "请修改标出的查询条件" in bad.text
    assert finance.get(f"{base}/search", params={"cursor": "%%%"}, timeout=30).status_code == 400
