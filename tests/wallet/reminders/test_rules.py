"""Each reminder rule on a clock the test controls: what is due, when, once, and where it leads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.wallet.reminders.making import NOW, bill, claim, days, keys, notices, remind_at, states
from wallet.extensions import db
from wallet.models import Bill, Reminder, Unit
from wallet.services.reminder_rules import day


def test_claim_window_reminds_30_7_and_1_days_before_and_never_twice_for_one_stage(rid):
    # 医保经办机构's default window (365 days) is the first to close on a medical bill.
    b = bill(rid, NOW - days(365) + days(20))
    deadline = NOW - days(365) + days(20) + days(365)
    assert remind_at(NOW) == 1
    assert keys() == [f"claim_window:{b}:{day(deadline)}:30"]
    notice = notices(rid)[-1]
    assert notice.title == "报销时限将到" and "医保经办机构" in notice.body and "还剩 20 天" in notice.body
    assert (notice.link, notice.link_label, notice.bill_id) == (f"/authorize?bill={b}", "去授权报销", b)
    assert remind_at(NOW + timedelta(hours=5)) == 0 and len(keys()) == 1
    assert remind_at(NOW + days(13)) == 1 and keys()[-1].endswith(":7")
    assert "还剩 7 天" in notices(rid)[-1].body
    assert remind_at(NOW + days(19)) == 1 and keys()[-1].endswith(":1")
    assert remind_at(NOW + days(19) + timedelta(hours=6)) == 0 and len(notices(rid)) == 3


def test_a_worker_back_after_days_away_reminds_of_the_nearest_stage_only(rid):
    b = bill(rid, NOW - days(365) + days(5))
    assert remind_at(NOW) == 1
    assert keys() == [f"claim_window:{b}:{day(NOW + days(5))}:7"]


def test_bills_authorized_locked_or_reimbursed_are_not_reminded_of_their_window(rid, units):
    issued = NOW - days(365) + days(10)
    held = bill(rid, issued)
    claim(rid, held, units["insurer"], "authorized")
    bill(rid, issued, reimbursement="reimbursed")
    bill(rid, issued, reimbursement="locked")
    assert remind_at(NOW) == 0 and keys() == []


def test_a_unit_the_resident_uses_brings_its_own_claim_period(rid, units):
    employer = db.session.get_one(Unit, units["employer"])
    employer.claim_period_days = 60
    db.session.commit()
    used = bill(rid, NOW - days(200), type_key="exam_fee")
    claim(rid, used, units["employer"], "reimbursed")  # the resident has used this unit before
    b = bill(rid, NOW - days(60) + days(6), type_key="exam_fee")
    assert remind_at(NOW) == 1
    assert keys() == [f"claim_window:{b}:{day(NOW + days(6))}:7"]
    assert employer.name in notices(rid)[-1].body
    assert "开票后 60 天" in notices(rid)[-1].body


def test_without_own_units_a_non_medical_bill_gets_the_employer_default(rid):
    b = bill(rid, NOW - days(180) + days(25), type_key="exam_fee")
    assert remind_at(NOW) == 1 and keys() == [f"claim_window:{b}:{day(NOW + days(25))}:30"]
    assert "行政事业单位" in notices(rid)[-1].body


def test_a_lock_about_to_lapse_without_feedback_is_reminded_once(rid, units):
    near, far, done = (bill(rid, NOW - days(400)) for _ in range(3))
    c = claim(rid, near, units["insurer"], "locked", lock_expires_at=NOW + timedelta(hours=20))
    claim(rid, far, units["insurer"], "locked", lock_expires_at=NOW + days(3))
    claim(rid, done, units["agency"], "reimbursed", lock_expires_at=NOW + timedelta(hours=20))
    assert remind_at(NOW) == 1
    assert keys() == [f"lock_lapse:{c}:{day(NOW + timedelta(hours=20))}"]
    notice = notices(rid)[-1]
    assert "尚未反馈" in notice.body and notice.link == f"/bills/{near}#bill-authorizations"
    assert remind_at(NOW + timedelta(hours=2)) == 0


def test_an_authorization_about_to_expire_unused_is_reminded(rid, units):
    soon, later = bill(rid, NOW - days(400)), bill(rid, NOW - days(400))
    c = claim(rid, soon, units["agency"], "authorized", expires_at=NOW + days(2))
    claim(rid, later, units["agency"], "authorized", expires_at=NOW + days(5))
    assert remind_at(NOW) == 1 and keys() == [f"auth_expiry:{c}:{day(NOW + days(2))}"]
    assert notices(rid)[-1].title == "授权即将失效"


def test_a_partly_reimbursed_bill_with_a_remainder_is_reminded_once(rid, units):
    b = bill(rid, NOW - days(400), reimbursement="partially_reimbursed", reimbursed=20000)
    held = bill(rid, NOW - days(400), reimbursement="partially_reimbursed", reimbursed=20000)
    claim(rid, held, units["insurer"], "authorized")
    bill(rid, NOW - days(400), reimbursement="partially_reimbursed", reimbursed=50000)  # nothing left
    assert remind_at(NOW) == 1 and keys() == [f"remainder:{b}"]
    notice = notices(rid)[-1]
    assert "300.00" in notice.body and notice.link == f"/authorize?bill={b}"
    assert remind_at(NOW + days(3)) == 0 and remind_at(NOW + days(40)) == 0 and keys() == [f"remainder:{b}"]


def test_a_red_reversed_bill_that_was_authorized_links_the_red_bill(rid, units):
    red = bill(rid, NOW - days(3), total=-50000, issuance="normal", reimbursement="unreimbursed")

    red_bill = db.session.get_one(Bill, red)
    voided = bill(
        rid,
        NOW - days(30),
        issuance="red_reversed",
        status={"red_bill": {"code": red_bill.code, "number": red_bill.number}},
    )
    claim(rid, voided, units["insurer"], "expired")
    bill(rid, NOW - days(30), issuance="red_reversed")  # never authorized: nothing to say
    assert remind_at(NOW) == 1 and keys() == [f"red_reversed:{voided}"]
    notice = notices(rid)[-1]
    assert (notice.link, notice.link_label) == (f"/bills/{red}", "查看红字票据")
    assert remind_at(NOW + days(1)) == 0


def test_what_no_longer_holds_when_the_morning_comes_is_not_delivered(rid, units):
    night = NOW + timedelta(hours=13)  # 23:00 Beijing time
    b = bill(rid, night - days(365) + days(10))
    assert remind_at(night) == 0 and list(states().values()) == ["pending"]
    claim(rid, b, units["agency"], "authorized", now=night)  # authorized before the morning
    assert remind_at(night + timedelta(hours=9)) == 0
    assert list(states().values()) == ["stale"] and notices(rid) == []
    assert db.session.scalar(select(Reminder.sent_at)) is None
