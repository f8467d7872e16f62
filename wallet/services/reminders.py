"""Reminders: record what the rules find due (once per due date), then deliver under the resident's rules.

Recording is ``INSERT … ON CONFLICT (due_key) DO NOTHING``: any number of workers may find the
same thing due, and the database keeps one row. Delivery takes the resident's row lock, so two
workers never deliver to one resident at once, and moves each pending row on exactly once:

- quiet hours 22:00–08:00 Beijing time: nothing is delivered; what is due waits until 08:00;
- a kind the resident turned off is ``muted``; what no longer holds (the bill was authorized,
  the unit reported, the deadline passed) is ``stale``;
- at most :data:`CAP_PER_BILL` reminders per bill in 24 hours (the rest wait);
- more than :data:`DIGEST_AFTER` ready at once become one digest, at most one a day (the rest
  wait for the next day's), unless the resident turned the digest off.

Each delivered notification lands in the notification centre with the change-sequence bump
and unread count kept as every writer of notifications keeps them, and is queued for Web Push
when the resident has subscribed a browser (sent after commit: wallet.services.web_push).
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from common.database import write_transaction
from common.timeutil import SHANGHAI, to_local, utcnow
from wallet.extensions import db
from wallet.models.authorization import Notification
from wallet.models.reminder import PushMessage, PushSubscription, Reminder, ReminderScan, ReminderSettings
from wallet.models.resident import Resident
from wallet.services import activity, reminder_rules, tax_reminders
from wallet.services.bill_store import dialect_insert
from wallet.services.notice_language import in_language_of
from wallet.services.reminder_rules import Due
from wallet.services.reminder_words import digest_words, words

QUIET_FROM, QUIET_UNTIL = time(22, 0), time(8, 0)
CAP_PER_BILL = 3
CAP_WINDOW = timedelta(hours=24)
DIGEST_AFTER = 3
DELIVER_BATCH = 200
# The claim-window scan catches up a day of issue times per transaction.
SCAN_STEP = timedelta(days=1)
SCAN_RULE = "claim_window"


def quiet(now: datetime) -> bool:
    local = to_local(now).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def record(dues: list[Due], now: datetime) -> None:
    """Keep each due item once, whoever finds it first (caller commits)."""
    if not dues:
        return
    rows = [
        {
            "resident_id": d.resident_id,
            "bill_id": d.bill_id,
            "claim_id": d.claim_id,
            "unit_id": d.unit_id,
            "kind": d.kind,
            "due_key": d.key,
            "due_at": d.due_at,
            "stage": d.stage,
            "state": "pending",
            "created_at": now,
        }
        for d in dues
    ]
    db.session.execute(dialect_insert(Reminder.__table__).on_conflict_do_nothing(index_elements=["due_key"]), rows)


def find_due(now: datetime) -> None:
    """Run every rule at ``now``; the claim-window scan catches up from where it stood, a day a step."""
    start = db.session.get(ReminderScan, SCAN_RULE, populate_existing=True)
    since = start.scanned_to if start is not None else now - timedelta(days=max(reminder_rules.STAGES))
    while since < now:
        until = min(now, since + SCAN_STEP)
        write_transaction(db.session)
        record(reminder_rules.claim_windows(since, until, now), now)
        db.session.execute(
            dialect_insert(ReminderScan.__table__).on_conflict_do_nothing(index_elements=["rule"]),
            {"rule": SCAN_RULE, "scanned_to": until},
        )
        scan = db.session.get_one(ReminderScan, SCAN_RULE, populate_existing=True)
        scan.scanned_to = max(scan.scanned_to, until)
        db.session.commit()
        since = until
    for rule in reminder_rules.RULES:
        dues = rule(now)
        if dues:
            write_transaction(db.session)
            record(dues, now)
            db.session.commit()
    if tax_reminders.window(to_local(now).date()) and not tax_reminders.scanned_today(now):
        write_transaction(db.session)
        record(tax_reminders.tax_windows(now), now)
        tax_reminders.mark_scanned(now)
        db.session.commit()


def settings_of(resident_id: int) -> ReminderSettings:
    """The resident's choices, or the defaults (every kind on, digest on) when they never chose."""
    return db.session.get(ReminderSettings, resident_id) or ReminderSettings(
        resident_id=resident_id, off_kinds="", digest=True
    )


def deliver(now: datetime) -> int:
    """Deliver what is pending (outside quiet hours); returns how many reminders were delivered."""
    if quiet(now):
        return 0
    residents = list(
        db.session.scalars(
            select(Reminder.resident_id).where(Reminder.state == "pending").distinct().limit(DELIVER_BATCH)
        )
    )
    return sum(_deliver_to(rid, now) for rid in residents)


def _local_midnight(now: datetime) -> datetime:
    return datetime.combine(to_local(now).date(), time(0), SHANGHAI)


def _deliver_to(resident_id: int, now: datetime) -> int:
    write_transaction(db.session)
    db.session.execute(select(Resident.id).where(Resident.id == resident_id).with_for_update())
    pending = db.session.scalars(
        select(Reminder)
        .where(Reminder.resident_id == resident_id, Reminder.state == "pending")
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    choices = settings_of(resident_id)
    ready = []
    for r in sorted(pending, key=lambda r: (r.due_at is None, r.due_at or now, r.id)):
        if not reminder_rules.still_due(r, now):
            r.state = "stale"
        elif not choices.kind_on(r.kind):
            r.state = "muted"
        else:
            ready.append(r)
    ready = _within_cap(ready, now)
    with in_language_of(resident_id):  # reminders, the digest and their pushes are worded for the resident
        delivered = _word_and_notify(resident_id, ready, choices, now)
    db.session.commit()
    return delivered


def _word_and_notify(resident_id: int, ready: list[Reminder], choices: ReminderSettings, now: datetime) -> int:
    """Word ``ready`` (one digest, or one notice each), notify and queue the pushes; how many were delivered."""
    delivered = 0
    if choices.digest and len(ready) > DIGEST_AFTER:
        if not _digest_sent_today(resident_id, now):
            title, body, link = digest_words(ready)
            notice = activity.notify(resident_id, "digest", title, body, None, link)
            _queue_push(resident_id, notice)
            for r in ready:
                _word(r, now)
                r.state, r.sent_at, r.notification_id = "digested", now, notice.id
            delivered = len(ready)
    else:
        for r in ready:
            _word(r, now)
            notice = activity.notify(resident_id, r.kind, r.title, r.body, r.bill_id, (r.link, r.link_label))
            _queue_push(resident_id, notice)
            r.state, r.sent_at, r.notification_id = "sent", now, notice.id
            delivered += 1
    return delivered


def _word(reminder: Reminder, now: datetime) -> None:
    """Keep the reminder's words as text, made now in the locale in force."""
    title, body, (link, label) = words(reminder, now)
    reminder.title, reminder.body, reminder.link, reminder.link_label = str(title), str(body), link, str(label)


def _within_cap(ready: list[Reminder], now: datetime) -> list[Reminder]:
    """Those of ``ready`` their bill's 24-hour allowance still covers, earliest deadline first."""
    bill_ids = {r.bill_id for r in ready}
    if not bill_ids:
        return []
    counted = db.session.execute(
        select(Reminder.bill_id, func.count(Reminder.id))
        .where(Reminder.bill_id.in_(bill_ids), Reminder.sent_at > now - CAP_WINDOW)
        .group_by(Reminder.bill_id)
    )
    sent = {bill_id: n for bill_id, n in counted}
    kept = []
    for r in ready:
        if sent.get(r.bill_id, 0) < CAP_PER_BILL:
            sent[r.bill_id] = sent.get(r.bill_id, 0) + 1
            kept.append(r)
    return kept


def _digest_sent_today(resident_id: int, now: datetime) -> bool:
    return (
        db.session.scalar(
            select(Reminder.id)
            .where(
                Reminder.resident_id == resident_id,
                Reminder.sent_at >= _local_midnight(now),
                Reminder.state == "digested",
            )
            .limit(1)
        )
        is not None
    )


def _queue_push(resident_id: int, notice: Notification) -> None:
    """Queue the notice for the resident's browsers, if they subscribed any (sent after commit)."""
    db.session.flush()  # the notice's id: the reminder keeps it, the push names it
    subscribed = db.session.scalar(select(PushSubscription.id).where(PushSubscription.resident_id == resident_id))
    if subscribed is None:
        return
    payload = {
        "title": notice.title,
        "body": notice.body,
        "url": notice.link or "/notifications",
        "tag": f"n{notice.id}",
    }
    db.session.add(PushMessage(resident_id=resident_id, payload=json.dumps(payload, ensure_ascii=False), state="due"))


def run(now: datetime | None = None) -> int:
    """One round: find what is due, deliver what may be. Returns how many reminders were delivered."""
    now = now or utcnow()
    find_due(now)
    return deliver(now)


def recent(resident_id: int, limit: int = 100) -> list[Reminder]:
    """What the resident was reminded of, newest first: the reminder list a digest links to."""
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.resident_id == resident_id, Reminder.sent_at.is_not(None))
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
            .limit(limit)
        )
    )
