"""Rows the reminder tests start from, written straight into the wallet's tables at chosen times.

The rules read bills and claims whatever wrote them; making them here lets each test put a
deadline exactly where the rule under test looks, on a clock the test controls.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from wallet.extensions import db
from wallet.models import Bill, Claim, Notification, Reminder, SyncState
from wallet.services.reminders import run

# A Tuesday, 10:00 Beijing time: outside quiet hours.
NOW = datetime(2027, 3, 2, 2, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def bill(
    resident_id: int,
    issued_at: datetime,
    type_key: str = "medical_outpatient",
    *,
    total: int = 50000,
    reimbursement: str = "unreimbursed",
    issuance: str = "normal",
    reimbursed: int = 0,
    status: dict | None = None,
    collected_at: datetime | None = None,
) -> int:
    """A bill collected when it was issued (as a subscribed feed brings it), unless ``collected_at``."""
    number = f"{next(_numbers):010d}"
    row = Bill(
        resident_id=resident_id,
        code="15060127",
        number=number,
        check_code="a1b2c3",
        province="15",
        type_key=type_key,
        type_name="医疗门诊收费票据" if type_key.startswith("medical_") else "考务费专用票据",
        issuer_name="内蒙古自治区人民医院",
        issued_at=issued_at,
        issue_year=issued_at.year,
        total=total,
        claimable=total,
        search_text="",
        signature_alg="ES256",
        signature_kid="k1",
        signature_value="x",
        issuance=issuance,
        reimbursement=reimbursement,
        reimbursed_amount=reimbursed,
        status_json=json.dumps(status or {}),
        version=1,
        collected_at=collected_at or issued_at,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def claim(resident_id: int, bill_id: int, unit_id: int, state: str, now: datetime = NOW, **times: datetime) -> int:
    row = Claim(
        source="account",
        unit_id=unit_id,
        state=state,
        open_key=Claim.account_key(bill_id) if state in ("authorized", "locked") else None,
        resident_id=resident_id,
        bill_id=bill_id,
        created_at=now - timedelta(days=1),
        expires_at=times.get("expires_at", now + timedelta(days=29)),
        locked_at=now - timedelta(days=1) if state == "locked" else None,
        lock_expires_at=times.get("lock_expires_at"),
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def keys() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Reminder.due_key).order_by(Reminder.id)))


def states() -> dict[str, str]:
    db.session.expire_all()
    return {key: state for key, state in db.session.execute(select(Reminder.due_key, Reminder.state))}


def notices(resident_id: int) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.resident_id == resident_id).order_by(Notification.id)
        )
    )


def unread(resident_id: int) -> tuple[int, int]:
    """(change sequence, unread count) as the top bar reads them."""
    db.session.expire_all()
    state = db.session.get_one(SyncState, resident_id)
    return state.change_seq, state.unread_notifications


def remind_at(now: datetime) -> int:
    """One worker round at ``now``."""
    delivered = run(now)
    db.session.expire_all()
    return delivered


def days(n: float) -> timedelta:
    return timedelta(days=n)
