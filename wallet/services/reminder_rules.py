"""What is due to be remembered, worked out from bills, claims and their rules (not from events).

Each rule returns :class:`Due` items whose ``key`` names the rule, the bill or claim and the
due date (and stage): recording them is idempotent on that key (wallet.services.reminders), so
a rule may find the same thing on every round without anyone being told twice.

Rules, and the one action each reminder links to:

- ``claim_window`` — a bill nobody holds an authorization for, whose claim window
  (wallet.services.claim_periods) closes in 30, 7 or 1 days → authorize it;
- ``lock_lapse`` — a unit's lock lapses within a day and the unit has reported nothing → the
  bill's authorizations, naming the unit to ask;
- ``auth_expiry`` — an authorization runs out within three days and the unit has not locked
  → the bill's authorizations;
- ``remainder`` — a partly reimbursed bill with something left that another unit could pay,
  once → authorize the rest;
- ``red_reversed`` — a bill the resident had authorized was red-reversed, once → the red bill
  the network links to it (else the bill);
- ``tax_window`` — during the annual settlement (1 March – 30 June), a resident whose 大病医疗
  estimate for last year is above nothing, at the window's opening and in its last week → the
  yearly ledger (wallet.services.tax_reminders; it reads documents, so at most once a day).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import InstrumentedAttribute

from common.timeutil import to_local
from common.translatable import lazy_gettext
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.claim import OPEN_STATES, Claim
from wallet.models.reminder import Reminder
from wallet.models.unit import Unit
from wallet.services import claim_periods
from wallet.services.authorizations import NOT_NORMAL_LITERAL

STAGES = (30, 7, 1)  # days before a claim window closes
LOCK_LEAD = timedelta(days=1)
AUTH_LEAD = timedelta(days=3)
# A bill's collection time is stamped before its transaction commits: the band of collection
# times reaches back this far, so a bill committed just after a scan is read by the next one.
COLLECTED_OVERLAP = timedelta(minutes=10)
KINDS: dict[str, str] = {
    "claim_window": lazy_gettext("报销时限将到"),
    "lock_lapse": lazy_gettext("锁定将到期"),
    "auth_expiry": lazy_gettext("授权将失效"),
    "remainder": lazy_gettext("剩余部分可再报销"),
    "red_reversed": lazy_gettext("已授权的票据被冲红"),
    "tax_window": lazy_gettext("大病医疗年度汇算"),
}


@dataclass(frozen=True)
class Due:
    kind: str
    key: str
    resident_id: int
    bill_id: int | None  # None: about the resident's year, not one bill (tax_window)
    due_at: datetime | None = None
    stage: int = 0
    claim_id: int | None = None
    unit_id: int | None = None


def day(at: datetime) -> str:
    """The due date as the resident reads it (Beijing time): the same date is one reminder."""
    return to_local(at).date().isoformat()


def _unclaimed() -> list[ColumnElement[bool]]:
    """A bill that is normal, not reimbursed or locked, worth something, and held by no authorization."""
    held = exists(select(Claim.id).where(Claim.bill_id == Bill.id, Claim.state.in_(OPEN_STATES)))
    return [Bill.issuance == "normal", Bill.reimbursement == "unreimbursed", Bill.claimable > 0, ~held]


def _units_used(resident_ids: set[int]) -> dict[int, list[Unit]]:
    """The units each resident has authorized bills to, whose windows apply to their bills."""
    rows = db.session.execute(
        select(Claim.resident_id, Claim.unit_id)
        .where(Claim.resident_id.in_(resident_ids), Claim.source == "account")
        .distinct()
    ).all()
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_({u for _, u in rows})))}
    used: dict[int, list[Unit]] = defaultdict(list)
    for rid, uid in rows:
        if rid is not None:
            used[rid].append(units[uid])
    return used


def claim_windows(since: datetime, until: datetime, now: datetime) -> list[Due]:
    """Bills whose reminder stage for some window began in (``since``, ``until``]: a stage ``s`` of a
    ``p``-day window begins ``p − s`` days after issue, so each (p, s) reads one band of issue times
    through ``ix_bills_issued``; and bills collected in that time (a first sync brings old bills
    whose stage began before they arrived), through ``ix_bills_collected``. Each bill found is then
    judged on its own next window and the stage it is in now (a worker that was away, or a bill
    that arrived late, is reminded of the nearest stage, not of every one missed)."""
    periods = claim_periods.all_periods(db.session.scalars(select(Unit).where(Unit.claim_period_days.is_not(None))))
    longest = timedelta(days=max(periods))
    arrived = since - COLLECTED_OVERLAP
    bands = [and_(Bill.collected_at > arrived, Bill.collected_at <= until, Bill.issued_at > now - longest)]
    for p in sorted(periods):
        for s in STAGES:
            low = max(since - timedelta(days=p - s), now - timedelta(days=p))
            high = until - timedelta(days=p - s)
            if high > low:
                bands.append(and_(Bill.issued_at > low, Bill.issued_at <= high))
    found: dict[int, Bill] = {}
    for band in bands:
        for bill in db.session.scalars(select(Bill).where(band, *_unclaimed())):
            found[bill.id] = bill
    used = _units_used({b.resident_id for b in found.values()})
    dues = []
    for bill in found.values():
        window = claim_periods.next_deadline(bill.issued_at, bill.type_key, used.get(bill.resident_id, []), now)
        if window is None:
            continue
        deadline, _kind, unit = window
        stage = next((s for s in sorted(STAGES) if deadline - now <= timedelta(days=s)), None)
        if stage is None:
            continue
        dues.append(
            Due(
                "claim_window",
                f"claim_window:{bill.id}:{day(deadline)}:{stage}",
                bill.resident_id,
                bill.id,
                deadline,
                stage,
                unit_id=unit.id if unit is not None else None,
            )
        )
    return dues


def _claims_due(
    state: str, column: InstrumentedAttribute[datetime | None], lead: timedelta, kind: str, now: datetime
) -> list[Due]:
    claims = db.session.scalars(
        select(Claim).where(
            Claim.source == "account",
            Claim.state == state,
            Claim.resident_id.is_not(None),
            Claim.bill_id.is_not(None),
            column > now,
            column <= now + lead,
        )
    )
    dues = []
    for c in claims:
        at = c.lock_expires_at if kind == "lock_lapse" else c.expires_at
        assert at is not None and c.resident_id is not None and c.bill_id is not None
        dues.append(
            Due(kind, f"{kind}:{c.id}:{day(at)}", c.resident_id, c.bill_id, at, claim_id=c.id, unit_id=c.unit_id)
        )
    return dues


def lapsing_locks(now: datetime) -> list[Due]:
    """Locks that lapse within a day with no feedback (a claim still ``locked`` has none)."""
    return _claims_due("locked", Claim.lock_expires_at, LOCK_LEAD, "lock_lapse", now)


def expiring_authorizations(now: datetime) -> list[Due]:
    """Authorizations that run out within three days, the unit not having locked the bill."""
    return _claims_due("authorized", Claim.expires_at, AUTH_LEAD, "auth_expiry", now)


def _not_reminded(kind: str) -> ColumnElement[bool]:
    return ~exists(select(Reminder.id).where(Reminder.bill_id == Bill.id, Reminder.kind == kind))


def remainders(now: datetime) -> list[Due]:
    """Partly reimbursed bills with something left to claim and no unit holding them: once each."""
    held = exists(select(Claim.id).where(Claim.bill_id == Bill.id, Claim.state.in_(OPEN_STATES)))
    bills = db.session.execute(
        select(Bill.id, Bill.resident_id).where(
            Bill.reimbursement == "partially_reimbursed",
            Bill.issuance == "normal",
            Bill.claimable > Bill.reimbursed_amount,
            ~held,
            _not_reminded("remainder"),
        )
    )
    return [Due("remainder", f"remainder:{bid}", rid, bid) for bid, rid in bills]


def red_reversed(now: datetime) -> list[Due]:
    """Red-reversed bills the resident had authorized to a unit: once each."""
    authorized = exists(select(Claim.id).where(Claim.bill_id == Bill.id, Claim.source == "account"))
    bills = db.session.execute(
        select(Bill.id, Bill.resident_id).where(
            Bill.issuance != NOT_NORMAL_LITERAL,
            Bill.issuance == "red_reversed",
            authorized,
            _not_reminded("red_reversed"),
        )
    )
    return [Due("red_reversed", f"red_reversed:{bid}", rid, bid) for bid, rid in bills]


# The rules read at a moment; the claim window reads bands of time of its own (see claim_windows).
RULES: tuple[Callable[[datetime], list[Due]], ...] = (lapsing_locks, expiring_authorizations, remainders, red_reversed)


def still_due(r: Reminder, now: datetime) -> bool:
    """Whether what a pending reminder is about still holds when it would be delivered (the resident
    may have authorized the bill, the unit reported, while it waited for the morning)."""
    if r.due_at is not None and r.due_at <= now:
        return False
    if r.kind == "tax_window":
        return True
    if r.kind in ("lock_lapse", "auth_expiry"):
        claim = db.session.get(Claim, r.claim_id) if r.claim_id is not None else None
        state = "locked" if r.kind == "lock_lapse" else "authorized"
        return claim is not None and claim.state == state
    bill = db.session.get(Bill, r.bill_id) if r.bill_id is not None else None
    if bill is None:
        return False
    if r.kind == "red_reversed":
        return True
    held = db.session.scalar(select(Claim.id).where(Claim.bill_id == bill.id, Claim.state.in_(OPEN_STATES)).limit(1))
    if r.kind == "remainder":
        return held is None and bill.reimbursement == "partially_reimbursed" and bill.claimable > bill.reimbursed_amount
    return held is None and bill.issuance == "normal" and bill.reimbursement == "unreimbursed"


def red_bill_of(bill: Bill) -> int | None:
    """The wallet's copy of the red bill the network links to a red-reversed one, if collected."""
    ref = json.loads(bill.status_json).get("red_bill")
    if not ref:
        return None
    return db.session.scalar(
        select(Bill.id).where(
            Bill.resident_id == bill.resident_id, Bill.code == ref["code"], Bill.number == ref["number"]
        )
    )
