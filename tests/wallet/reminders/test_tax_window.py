"""The yearly tax window: during the annual settlement a resident with a 大病医疗 deduction is told how much
and until when — once when the window is open, once in its last week, never outside it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from tests.wallet.reminders.making import NOW, bill, keys, notices, remind_at
from wallet.extensions import db
from wallet.models import Bill
from wallet.models.bill import BillDocument
from wallet.services.tax_reminders import KIND

LAST_YEAR = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)  # NOW is 2 March 2027: 2026's settlement is open


def medical_bill(resident_id: int, co_pay: int, issued_at: datetime = LAST_YEAR) -> int:
    """A medical bill whose signed document says the person bore ``co_pay`` within the catalogue."""
    total = co_pay * 3
    bill_id = bill(resident_id, issued_at, "medical_inpatient", total=total)
    row = db.session.get_one(Bill, bill_id)
    row.claimable = co_pay
    document = {
        "total": total,
        "type": {"key": "medical_inpatient"},
        "medical": {
            "settlement": {
                "fund": total - co_pay,
                "other_insurance": 0,
                "personal_account": 0,
                "cash": co_pay,
                "co_pay": co_pay,
                "self_pay": 0,
            }
        },
    }
    db.session.add(BillDocument(code=row.code, number=row.number, canonical=json.dumps(document).encode()))
    db.session.commit()
    return bill_id


def tax_notices(resident_id: int) -> list:
    return [n for n in notices(resident_id) if n.kind == KIND]


def test_a_deduction_is_reminded_when_the_window_opens_with_its_estimate_and_the_ledger(rid):
    medical_bill(rid, 12_000_00)
    medical_bill(rid, 8_000_00)  # 20,000 yuan borne within the catalogue: 5,000 deductible
    assert remind_at(NOW) == 1
    (notice,) = tax_notices(rid)
    assert notice.title == "大病医疗可在年度汇算中扣除"
    assert "2026 年医保目录内个人自付 ¥20,000.00" in notice.body and "约 ¥5,000.00" in notice.body
    assert "6 月 30 日前" in notice.body
    assert (notice.link, notice.link_label, notice.bill_id) == ("/ledger?year=2026", "查看年度账本", None)
    assert keys() == [f"{KIND}:{rid}:2026:0"]


def test_the_same_stage_is_never_reminded_twice_and_the_last_week_reminds_once_more(rid):
    medical_bill(rid, 20_000_00)
    assert remind_at(NOW) == 1
    assert remind_at(datetime(2027, 3, 3, 2, 0, tzinfo=UTC)) == 0  # the next day: read again, not told again
    assert remind_at(datetime(2027, 6, 24, 2, 0, tzinfo=UTC)) == 1  # the last week
    assert remind_at(datetime(2027, 6, 25, 2, 0, tzinfo=UTC)) == 0
    assert keys() == [f"{KIND}:{rid}:2026:0", f"{KIND}:{rid}:2026:7"]


def test_no_reminder_below_the_threshold_outside_the_window_or_for_self_paid_costs(rid):
    medical_bill(rid, 15_000_00)  # exactly the threshold: nothing deductible
    assert remind_at(NOW) == 0
    assert remind_at(datetime(2027, 7, 1, 2, 0, tzinfo=UTC)) == 0  # the window closed
    assert remind_at(datetime(2027, 2, 27, 2, 0, tzinfo=UTC)) == 0  # not yet open
    assert tax_notices(rid) == []


def test_the_documents_are_read_at_most_once_a_day(rid):
    assert remind_at(NOW) == 0  # nothing to claim at the day's scan
    medical_bill(rid, 30_000_00)  # collected later that day
    assert remind_at(NOW.replace(hour=5)) == 0
    assert remind_at(datetime(2027, 3, 3, 2, 0, tzinfo=UTC)) == 1  # the next day's scan finds it


def test_the_reminder_can_be_turned_off(rid, wallet_app):
    from wallet.models.reminder import ReminderSettings

    db.session.add(ReminderSettings(resident_id=rid, off_kinds=KIND, digest=True))
    db.session.commit()
    medical_bill(rid, 20_000_00)
    assert remind_at(NOW) == 0
    assert db.session.scalars(select(Bill.id)).all()  # the bills are there; the reminder was muted
    assert tax_notices(rid) == []
