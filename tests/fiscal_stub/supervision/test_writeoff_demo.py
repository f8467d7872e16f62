"""`make run`'s supervision demo gives every write-off screen something real on first open."""

from __future__ import annotations

from fiscal_stub.supervision.demo import seed_supervision_demo
from fiscal_stub.supervision.guard import why_unit_cannot_issue
from fiscal_stub.supervision.writeoff_demo import ABNORMAL_UNIT, SUSPENDED_UNIT
from fiscal_stub.supervision.writeoff_overview import abnormal_queue, figures, units_writeoff
from tests.fiscal_stub.supervision.conftest import beijing

NOW = beijing(2026, 11, 3, 9)


def test_the_demo_holds_open_abnormal_bills_and_a_suspended_unit(sv):
    seed_supervision_demo(sv.session, NOW)
    (item,) = abnormal_queue(sv.session)
    assert item.unit.name == ABNORMAL_UNIT and item.abnormal == 6 and item.cycle.period_start.month == 10
    states = {s.unit.name: s.state for s in units_writeoff(sv.session, NOW)}
    assert states[ABNORMAL_UNIT] == "abnormal" and states[SUSPENDED_UNIT] == "suspended"
    suspended = sv.unit(SUSPENDED_UNIT)
    assert "writeoff_suspended" in [r.code for r in why_unit_cannot_issue(sv.session, suspended, NOW)]
    counted = figures(sv.session, units_writeoff(sv.session, NOW), NOW)
    assert counted.bills["abnormal"] == 6 and counted.bills["violation"] == 2 and counted.overdue_notices == 1
    assert seed_supervision_demo(sv.session, NOW).endswith("left as it is")
