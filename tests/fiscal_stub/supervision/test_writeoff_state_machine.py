"""Random sequences of issuing, red reversal, exchange, reconciliation, write-off, review and month-ends keep
the write-off invariants: every issued number in exactly one batch of its unit, a written-off bill never
changes, and nothing is issued (nor a batch granted) while the guard holds the unit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from common.database import truncate_all
from common.timeutil import SHANGHAI
from fiscal_stub.demo import seed_network
from fiscal_stub.extensions import db
from fiscal_stub.models import Bill, IssuingUnit, RectificationNotice, WriteOffCycle
from fiscal_stub.models.accounts import INTERFACE, ONLINE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.issuing import exchange, issue, red_reverse
from fiscal_stub.services.orders import IssueOrder, draft_for
from fiscal_stub.supervision.accounts import open_account
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.batches import apply_for_batch, batches_holding
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.guard import why_unit_cannot_issue, why_unit_gets_no_numbers
from fiscal_stub.supervision.review import accept, clear, mark_violation, report
from fiscal_stub.supervision.writeoff import cycle_start, last_closed_cycle, next_cycle
from fiscal_stub.supervision.writeoffs import reconciliation_of, record_received, submit
from tests.fiscal_stub.conftest import WURINA

UNITS = (("呼和浩特市第一人民医院", ONLINE), ("内蒙古自治区人民医院", INTERFACE))
OFFICER = Actor.finance("czt")
START = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)


@pytest.mark.timeout(300)
def test_random_write_off_histories_keep_the_invariants(system, fiscal_app):
    session = db.session

    class WriteOffs(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            session.remove()
            truncate_all(db)
            seed_network()
            self.now = START
            self.units: list[IssuingUnit] = []
            for name, mode in UNITS:
                unit = session.execute(select(IssuingUnit).where(IssuingUnit.name == name)).scalar_one()
                open_account(session, unit, "管理员", "13847100999", "Admin-2026-pass", mode, Actor.system(), START)
                self.units.append(unit)
            apply_for_batch(session, self.units[1], "medical_outpatient", 60, Actor.unit(self.units[1].code), START)
            self.frozen: dict[int, tuple[str, int, int]] = {}  # written-off bills as first seen

        def bills(self) -> list[Bill]:
            session.rollback()
            return list(session.execute(select(Bill).order_by(Bill.id)).scalars())

        def count(self) -> int:
            session.rollback()
            return int(session.execute(select(func.count()).select_from(Bill)).scalar_one())

        @rule(which=st.integers(0, 1), amount=st.integers(100, 90000), hour=st.integers(0, 11))
        def issue_a_bill(self, which: int, amount: int, hour: int) -> None:
            unit, before = self.units[which], self.count()
            when = self.now + timedelta(hours=hour)
            held = why_unit_cannot_issue(session, unit, when)
            order = IssueOrder("medical_outpatient", "个人", WURINA[1], WURINA[0], amount, unit_code=unit.code)
            try:
                issue(session, draft_for(session, order, when))
            except FiscalError as refused:
                assert refused.code in ("issuing_locked", "no_numbers")
                assert self.count() == before
                return
            assert not held, f"issued while held: {[r.code for r in held]}"

        @precondition(lambda self: self.count() > 0)
        @rule(pick=st.integers(0, 50), paper=st.booleans())
        def change_a_bill(self, pick: int, paper: bool) -> None:
            bills = [b for b in self.bills() if b.original_code is None and b.issuance == "normal"]
            if not bills:
                return
            bill = bills[pick % len(bills)]
            mark = bill.writeoff
            try:
                if paper:
                    exchange(session, bill.code, bill.number, self.now)
                else:
                    red_reverse(session, bill.code, bill.number, "", self.now)
            except FiscalError:
                return
            assert mark not in ("written_off", "abnormal"), f"{bill.number} changed while {mark}"

        def closed_pending(self, received: bool) -> WriteOffCycle | None:
            """The oldest closed cycle not yet submitted, with or without its received amount."""
            session.rollback()
            query = select(WriteOffCycle).where(
                WriteOffCycle.status == "pending", WriteOffCycle.period_start <= last_closed_cycle(local_day(self.now))
            )
            given = WriteOffCycle.received_total.is_not(None) if received else WriteOffCycle.received_total.is_(None)
            return session.execute(
                query.where(given).order_by(WriteOffCycle.period_start).limit(1)
            ).scalar_one_or_none()

        def in_cycle(self, bill: Bill, cycle: WriteOffCycle) -> bool:
            return bill.issuer_code == cycle.unit_code and cycle_start(local_day(bill.issued_at)) == cycle.period_start

        def first(self, query):  # noqa: ANN001, ANN202
            session.rollback()
            return session.execute(query.limit(1)).scalar_one_or_none()

        @precondition(lambda self: self.closed_pending(received=False) is not None)
        @rule(exact=st.booleans())
        def reconcile(self, exact: bool) -> None:
            cycle = self.closed_pending(received=False)
            assert cycle is not None
            unit = next(u for u in self.units if u.code == cycle.unit_code)
            total = reconciliation_of(session, cycle).expected_total + (0 if exact else 100)
            record_received(session, unit, cycle.period_start, total, None, Actor.unit(unit.code), self.now)

        @precondition(lambda self: self.closed_pending(received=True) is not None)
        @rule()
        def write_off(self) -> None:
            cycle = self.closed_pending(received=True)
            assert cycle is not None
            unit = next(u for u in self.units if u.code == cycle.unit_code)
            submit(session, unit, cycle.period_start, Actor.unit(unit.code), self.now)

        @precondition(lambda self: self.first(select(WriteOffCycle).where(WriteOffCycle.status == "abnormal")))
        @rule(violation=st.booleans())
        def review(self, violation: bool) -> None:
            cycle = self.first(select(WriteOffCycle).where(WriteOffCycle.status == "abnormal"))
            ids = [b.id for b in self.bills() if b.writeoff == "abnormal" and self.in_cycle(b, cycle)]
            if violation:
                mark_violation(session, cycle.id, ids, "到账不符，请整改。", OFFICER, self.now)
            else:
                clear(session, cycle.id, ids, OFFICER, self.now)

        @precondition(
            lambda self: self.first(select(RectificationNotice).where(RectificationNotice.status != "rectified"))
        )
        @rule()
        def rectify(self) -> None:
            notice = self.first(select(RectificationNotice).where(RectificationNotice.status != "rectified"))
            unit = next(u for u in self.units if u.code == notice.unit_code)
            report(session, unit, notice.id, "已整改完毕。", self.now)
            accept(session, notice.id, OFFICER, self.now)

        @rule(months=st.integers(1, 4), day=st.integers(0, 9))
        def month_end(self, months: int, day: int) -> None:
            period = cycle_start(local_day(self.now))
            for _ in range(months):
                period = next_cycle(period)
            self.now = datetime(period.year, period.month, 1 + day, 10, tzinfo=SHANGHAI)

        @rule(count=st.integers(1, 30))
        def apply_for_numbers(self, count: int) -> None:
            unit = self.units[1]
            held = why_unit_gets_no_numbers(session, unit, self.now)
            try:
                apply_for_batch(session, unit, "medical_outpatient", count, Actor.unit(unit.code), self.now)
            except FiscalError as refused:
                assert held or refused.code == "batch_over_limit"
                return
            assert not held, f"a batch granted while held: {[r.code for r in held]}"

        @invariant()
        def every_number_in_exactly_one_batch_of_its_unit(self) -> None:
            for bill in self.bills():
                holders = batches_holding(session, bill.code, bill.number)
                assert [h.unit_code for h in holders] == [bill.issuer_code], bill.number

        @invariant()
        def a_written_off_bill_never_changes(self) -> None:
            for bill in self.bills():
                seen = (bill.issuance, bill.total, bill.version)
                if bill.id in self.frozen:
                    assert (bill.writeoff, seen) == ("written_off", self.frozen[bill.id]), bill.number
                elif bill.writeoff == "written_off":
                    self.frozen[bill.id] = seen

    with fiscal_app.app_context():
        run_state_machine_as_test(
            WriteOffs,
            settings=settings(
                max_examples=10,
                stateful_step_count=40,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
