"""How reminders reach the resident: quiet hours, 3 per bill per 24 h, the daily digest, their choices,
and the notification centre's unread count and change sequence kept as every notice keeps them."""

from __future__ import annotations

from datetime import timedelta

from tests.wallet.reminders.making import NOW, bill, days, notices, remind_at, states, unread
from wallet.extensions import db
from wallet.models import Reminder, ReminderSettings
from wallet.services.reminder_rules import Due
from wallet.services.reminders import deliver, quiet, record


def window_bill(rid: int, left_days: float, now=NOW) -> int:
    """A medical bill, collected at ``now``, whose first claim window (365 days) closes ``left_days`` later."""
    return bill(rid, now - days(365) + days(left_days), collected_at=now)


def choose(rid: int, off: str = "", digest: bool = True) -> None:
    db.session.merge(ReminderSettings(resident_id=rid, off_kinds=off, digest=digest, updated_at=NOW))
    db.session.commit()


def test_quiet_hours_run_from_22_to_8_beijing_time():
    at = NOW.replace(hour=0)  # 08:00 Beijing
    assert not quiet(at) and quiet(at - timedelta(seconds=1))
    assert not quiet(at + timedelta(hours=13, minutes=59)) and quiet(at + timedelta(hours=14))


def test_what_falls_due_at_night_waits_until_eight(rid):
    night = NOW + timedelta(hours=13, minutes=30)  # 23:30 Beijing
    window_bill(rid, 20, night)
    assert remind_at(night) == 0 and list(states().values()) == ["pending"] and notices(rid) == []
    seven_59 = night + timedelta(hours=8, minutes=29)
    assert remind_at(seven_59) == 0 and notices(rid) == []
    assert remind_at(seven_59 + timedelta(minutes=1)) == 1
    assert list(states().values()) == ["sent"] and len(notices(rid)) == 1


def test_a_delivered_reminder_counts_unread_and_bumps_the_change_sequence(rid):
    seq, count = unread(rid)
    window_bill(rid, 20)
    window_bill(rid, 6)
    assert remind_at(NOW) == 2
    assert unread(rid) == (seq + 2, count + 2)
    reminder = db.session.query(Reminder).first()
    assert reminder is not None and reminder.notification_id in {n.id for n in notices(rid)}


def test_at_most_three_reminders_per_bill_in_24_hours(rid):
    choose(rid, digest=False)
    b = bill(rid, NOW - days(10), issuance="red_reversed")
    record([Due("red_reversed", f"red_reversed:{b}:{i}", rid, b) for i in range(4)], NOW)
    db.session.commit()
    assert deliver(NOW) == 3 and sorted(states().values()) == ["pending", "sent", "sent", "sent"]
    assert deliver(NOW + timedelta(hours=23, minutes=59)) == 0
    assert deliver(NOW + timedelta(hours=24, seconds=1)) == 1 and len(notices(rid)) == 4


def test_many_due_at_once_make_one_digest_a_day(rid):
    for left in (20, 21, 22, 23, 24):
        window_bill(rid, left)
    assert remind_at(NOW) == 5
    [digest] = notices(rid)
    assert digest.kind == "digest" and digest.title == "今日提醒汇总"
    assert "5 条提醒" in digest.body and "报销时限将到 5 条" in digest.body
    assert (digest.link, digest.link_label) == ("/reminders", "查看全部提醒")
    assert set(states().values()) == {"digested"}
    # Later the same day: a few more are told one by one, many more wait for tomorrow's digest.
    later = NOW + timedelta(hours=3)
    for left in (25, 26):
        window_bill(rid, left, later)
    assert remind_at(later) == 2 and [n.kind for n in notices(rid)] == ["digest", "claim_window", "claim_window"]
    for left in (10, 11, 12, 13):
        window_bill(rid, left, later)
    assert remind_at(later + timedelta(hours=1)) == 0 and list(states().values()).count("pending") == 4
    tomorrow = NOW + days(1)
    assert remind_at(tomorrow) == 4 and notices(rid)[-1].kind == "digest" and "4 条提醒" in notices(rid)[-1].body


def test_with_the_digest_off_each_reminder_comes_on_its_own(rid):
    choose(rid, digest=False)
    for left in (20, 21, 22, 23, 24):
        window_bill(rid, left)
    assert remind_at(NOW) == 5 and [n.kind for n in notices(rid)] == ["claim_window"] * 5


def test_a_kind_turned_off_is_muted_and_never_told(rid):
    choose(rid, off="claim_window")
    window_bill(rid, 20)
    assert remind_at(NOW) == 0 and list(states().values()) == ["muted"] and notices(rid) == []
    choose(rid, off="")
    assert remind_at(NOW + timedelta(hours=1)) == 0  # muted stays muted: the same due date is never told later
