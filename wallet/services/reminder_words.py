"""What a reminder says and where it leads, worded when it is delivered (the days left are then's)."""

from __future__ import annotations

import math
from datetime import datetime

from common.timeutil import to_local
from common.translatable import gettext
from wallet import copy
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.claim import Claim
from wallet.models.reminder import Reminder
from wallet.models.unit import UNIT_TYPES, Unit
from wallet.services import claim_periods, tax_reminders
from wallet.services.reminder_rules import KINDS, red_bill_of

REMINDER_LIST = "/reminders"


def bill_path(bill_id: int) -> str:
    return f"/bills/{bill_id}"


def authorize_path(bill_id: int) -> str:
    """The authorization flow with this bill already chosen."""
    return f"/authorize?bill={bill_id}"


def authorizations_path(bill_id: int) -> str:
    return f"/bills/{bill_id}#bill-authorizations"


def _left(deadline: datetime, now: datetime) -> str:
    seconds = (deadline - now).total_seconds()
    if seconds < 86400:
        return gettext("%(count)s 小时", count=max(1, math.ceil(seconds / 3600)))
    return gettext("%(count)s 天", count=math.ceil(seconds / 86400))


def words(r: Reminder, now: datetime) -> tuple[str, str, tuple[str, str]]:
    """(title, body, (path, label)) of one reminder."""
    title, body, label = copy.REMINDERS[r.kind]
    if r.kind == tax_reminders.KIND:
        return _tax_words(r, title, body, label)
    bill = db.session.get_one(Bill, r.bill_id)
    facts: dict[str, object] = {"bill": copy.bill_name(bill.issuer_name, bill.code, bill.number)}
    unit = db.session.get(Unit, r.unit_id) if r.unit_id is not None else None
    if r.kind == "claim_window":
        assert r.due_at is not None
        days = claim_periods.unit_days(unit) if unit else round((r.due_at - bill.issued_at).total_seconds() / 86400)
        whom = unit.name if unit else UNIT_TYPES.get(_kind_of(bill, days), gettext("报销单位"))
        facts |= {"whom": whom, "days": days, "deadline": copy.minute(r.due_at), "left": _left(r.due_at, now)}
        link = authorize_path(bill.id)
    elif r.kind in ("lock_lapse", "auth_expiry"):
        claim = db.session.get(Claim, r.claim_id) if r.claim_id is not None else None
        facts |= {"unit": unit.name if unit else gettext("报销单位"), "until": copy.minute(r.due_at)}
        link = authorizations_path(bill.id) if claim is not None else bill_path(bill.id)
    elif r.kind == "remainder":
        facts["remaining"] = copy.money(bill.claimable - bill.reimbursed_amount)
        link = authorize_path(bill.id)
    else:
        red = red_bill_of(bill)
        link = bill_path(red) if red is not None else bill_path(bill.id)
        label = label if red is not None else gettext("查看票据")
    return str(title), str(body).format(**facts), (link, str(label))


def _tax_words(r: Reminder, title: str, body: str, label: str) -> tuple[str, str, tuple[str, str]]:
    """Worded from the estimate at delivery: bills collected meanwhile count."""
    assert r.due_at is not None
    year = to_local(r.due_at).year - 1
    est = tax_reminders.own_estimate(r.resident_id, year)
    _opens, closes = est.settlement_window
    facts = {
        "year": year,
        "counted": copy.money(est.counted),
        "deductible": copy.money(est.deductible),
        "closes": gettext("%(month)s 月 %(day)s 日", month=closes.month, day=closes.day),
    }
    return str(title), str(body).format(**facts), (f"/ledger?year={year}", str(label))


def _kind_of(bill: Bill, days: int) -> str:
    """The unit kind whose default window is ``days`` for this bill (the reminder kept only the date)."""
    kinds = claim_periods.FALLBACK_KINDS[claim_periods.is_medical(bill.type_key)]
    return next((k for k in kinds if claim_periods.DEFAULT_DAYS[k] == days), kinds[0])


def digest_words(reminders: list[Reminder]) -> tuple[str, str, tuple[str, str]]:
    title, body, label = copy.REMINDERS["digest"]
    counts: dict[str, int] = {}
    for r in reminders:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    summary = "、".join(gettext("%(kind)s %(count)s 条", kind=KINDS[k], count=n) for k, n in counts.items())
    return str(title), str(body).format(count=len(reminders), summary=summary), (REMINDER_LIST, str(label))
