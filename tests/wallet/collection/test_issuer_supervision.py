"""A bill under the finance department's review (异常票据) or marked 违规 still reaches its payer, with the
status the network reports; an issuing unit held by every supervision lock hides none of its issued bills."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from sqlalchemy import select

from common.timeutil import SHANGHAI, utcnow
from fiscal_stub.demo import seed_network
from fiscal_stub.extensions import db as fiscal_db
from fiscal_stub.models import Bill as FiscalBill
from fiscal_stub.models import IssuingUnit, UnitCertificate, WriteOffCycle
from fiscal_stub.services.issuing import issue
from fiscal_stub.services.orders import IssueOrder, draft_for
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.batches import months_back
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.guard import why_unit_cannot_issue
from fiscal_stub.supervision.review import mark_violation
from fiscal_stub.supervision.writeoff import cycle_start
from fiscal_stub.supervision.writeoffs import record_received, submit
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import persona
from tests.wallet.auth.flows import log_in
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill
from wallet.services.sync import sync_person

UNIT = "呼和浩特市第一人民医院"


def held_unit_with_reviewed_bills(fiscal_app) -> list[str]:
    """Three of 乌日娜's bills from five months ago: one 违规 (never rectified), two 异常; the unit is then
    suspended by the overdue notice and its certificate has expired. Returns the bills' numbers."""
    p1 = persona("p1")
    with fiscal_app.app_context():
        seed_network()
        session = fiscal_db.session
        unit = session.execute(select(IssuingUnit).where(IssuingUnit.name == UNIT)).scalar_one()
        period = months_back(cycle_start(local_day(utcnow())), 5)
        numbers = []
        for day in (3, 4, 5):
            when = datetime.combine(period + timedelta(days=day), time(10), SHANGHAI)
            order = IssueOrder("medical_outpatient", "个人", p1.name, p1.id_number, 10000 * day, unit_code=unit.code)
            numbers.append(issue(session, draft_for(session, order, when)).number)
        closed = datetime.combine(months_back(period, -1) + timedelta(days=2), time(10), SHANGHAI)
        record_received(session, unit, period, 100, None, Actor.unit(unit.code), closed)
        submit(session, unit, period, Actor.unit(unit.code), closed)
        cycle = session.execute(select(WriteOffCycle).where(WriteOffCycle.unit_code == unit.code)).scalar_one()
        bill_id = session.execute(select(FiscalBill.id).where(FiscalBill.number == numbers[0])).scalar_one()
        mark_violation(session, cycle.id, [bill_id], "到账金额不符，请整改。", Actor.finance("czt"), closed)
        for certificate in session.execute(
            select(UnitCertificate).where(UnitCertificate.unit_code == unit.code)
        ).scalars():
            certificate.expires_on = local_day(utcnow()) - timedelta(days=1)
        session.commit()
        held = {r.code for r in why_unit_cannot_issue(session, unit, utcnow())}
        assert {"certificate_expired", "writeoff_suspended"} <= held
    return numbers


def test_reviewed_and_violating_bills_reach_the_payer_while_the_unit_is_locked(
    client, wallet_app, fiscal_app, net, seeded_idp, fiscal_client
):
    numbers = held_unit_with_reviewed_bills(fiscal_app)
    log_in(client, "p1")
    p1 = persona("p1")
    with wallet_app.app_context():
        rid = resident_for_id_number(p1.id_number)
        sync_person(rid, p1.id_number, fiscal_client)
        bills = {b.number: b.id for b in db.session.scalars(select(Bill).where(Bill.resident_id == rid))}
    assert set(numbers) <= set(bills), "a unit's issuing lock never hides the bills it already issued"
    assert len(bills) == net.payer_bill_count("p1")

    listed = client.get("/").get_data(as_text=True)
    assert all(f'href="/bills/{bills[n]}"' in listed for n in numbers)
    violating = client.get(f"/bills/{bills[numbers[0]]}").get_data(as_text=True)
    assert re.search(r'data-testid="writeoff-status">核销状态：<span class="chip bad">财政部门认定违规', violating)
    for number in numbers[1:]:
        page = client.get(f"/bills/{bills[number]}").get_data(as_text=True)
        assert "异常票据：开票单位核销时金额核对不一致，财政部门审核中" in page
        assert "可报销" in page, "under review, the bill may still be claimed"
