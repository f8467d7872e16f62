"""The yearly tax window reminder: during the annual settlement (汇算清缴, 1 March – 30 June), a resident
whose 大病医疗 estimate for last year is above nothing is told how much and until when.

Two stages: once when the window is open, and once more in its last week. The bills behind the
estimate are read once a day at most (``ReminderScan`` row ``tax_window``): reading every resident's
medical documents on each round of the worker would cost far more than a day's delay is worth.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from common.timeutil import SHANGHAI, to_local
from wallet.extensions import db
from wallet.ledger.deduction_rules import NoRuleForYear, SeriousIllnessRule, rule_for
from wallet.ledger.entries import MEDICAL_TYPES, ledger_entries
from wallet.ledger.serious_illness import SeriousIllnessEstimate, estimate
from wallet.models.bill import Bill
from wallet.models.reminder import Reminder, ReminderScan
from wallet.services.bill_store import dialect_insert
from wallet.services.reminder_rules import Due

KIND = "tax_window"
SCAN_RULE = "tax_window"
CLOSING_STAGE = 7  # days before the window closes: the second reminder


def window(today: date) -> tuple[int, SeriousIllnessRule, date, date] | None:
    """(tax year, rule, opens, closes) of the settlement open on ``today``, or None."""
    try:
        rule = rule_for(today.year - 1)
    except NoRuleForYear:
        return None
    opens, closes = date(today.year, *rule.settlement_opens), date(today.year, *rule.settlement_closes)
    return (today.year - 1, rule, opens, closes) if opens <= today <= closes else None


def closing_time(closes: date) -> datetime:
    """The end of the window's last day, Beijing time."""
    return datetime.combine(closes + timedelta(days=1), time(0), SHANGHAI)


def own_estimate(resident_id: int, year: int) -> SeriousIllnessEstimate:
    """The resident's own 大病医疗 estimate for ``year``, from their medical bills' 个人自付."""
    entries = ledger_entries(resident_id, "本人", year)
    return estimate(year, sum(e.payments.co_pay for e in entries if e.medical))


def scanned_today(now: datetime) -> bool:
    scan = db.session.get(ReminderScan, SCAN_RULE, populate_existing=True)
    return scan is not None and to_local(scan.scanned_to).date() >= to_local(now).date()


def tax_windows(now: datetime) -> list[Due]:
    """Residents with a deduction to claim who were not yet reminded at this stage of this window.

    Only residents whose medical bills' claimable total (what they bore, 个人自付 and 自费 together)
    exceeds the threshold can have 个人自付 above it, so the documents of the others are never read.
    """
    today = to_local(now).date()
    found = window(today)
    if found is None:
        return []
    year, rule, _opens, closes = found
    stage = CLOSING_STAGE if (closes - today).days < CLOSING_STAGE else 0
    reminded = set(
        db.session.scalars(
            select(Reminder.resident_id).where(Reminder.kind == KIND, Reminder.due_key.like(f"{KIND}:%:{year}:{stage}"))
        )
    )
    candidates = db.session.scalars(
        select(Bill.resident_id)
        .where(
            Bill.issue_year == year,
            Bill.type_key.in_(MEDICAL_TYPES),
            Bill.issuance != "red_reversed",
            Bill.total > 0,
        )
        .group_by(Bill.resident_id)
        .having(func.sum(Bill.claimable) > rule.threshold)
    ).all()
    due_at = closing_time(closes)
    return [
        Due(KIND, f"{KIND}:{rid}:{year}:{stage}", rid, None, due_at, stage)
        for rid in candidates
        if rid not in reminded and own_estimate(rid, year).deductible > 0
    ]


def mark_scanned(now: datetime) -> None:
    """Record today's scan, whichever worker writes it first (caller commits)."""
    db.session.execute(
        dialect_insert(ReminderScan.__table__).on_conflict_do_nothing(index_elements=["rule"]),
        {"rule": SCAN_RULE, "scanned_to": now},
    )
    scan = db.session.get_one(ReminderScan, SCAN_RULE, populate_existing=True)
    scan.scanned_to = max(scan.scanned_to, now)
