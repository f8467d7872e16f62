"""What a resident learns about their bills: notifications, the access history, and the live nudge.

Every function here writes inside the caller's transaction, so a notification, an access
record and the live-channel bump land together with the change they describe, or not at all.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, func, select, update

from common.database import rows_changed, write_transaction
from common.timeutil import utcnow
from wallet import copy
from wallet.extensions import db
from wallet.models.authorization import NOTICE_BODY_CHARS, AccessEvent, Notification
from wallet.models.claim import Claim
from wallet.models.collection import SyncState
from wallet.services.bill_store import bump_change_seq
from wallet.services.notice_language import in_language_of

VIEW_COALESCE = timedelta(hours=1)
ACCESS_KINDS = copy.ACCESS_KINDS


def notify(
    resident_id: int,
    kind: str,
    title: str,
    body: str,
    bill_id: int | None = None,
    link: tuple[str, str] = ("", ""),
) -> Notification:
    """Add a notification; the bump lets open pages (and anything kept per change sequence) see it,
    and counts it unread in the same statement. ``link`` is (path, label) of the one action that
    settles what it is about, where there is one. The words are made text here, in the locale the
    caller worded them in (a lazily translated text would otherwise be worded at flush)."""
    notice = Notification(
        resident_id=resident_id,
        kind=kind,
        title=str(title),
        body=str(body)[:NOTICE_BODY_CHARS],
        bill_id=bill_id,
        at=utcnow(),
        link=link[0],
        link_label=str(link[1]),
    )
    db.session.add(notice)
    bump_change_seq(resident_id, unread="notice")
    return notice


def tell(
    resident_id: int, notice_kind: str, bill_id: int | None = None, kind: str | None = None, **facts: object
) -> None:
    """Notify with the sentence :mod:`wallet.copy` words for ``notice_kind``, in the resident's language;
    ``kind`` is the stored category."""
    with in_language_of(resident_id):
        title, body = copy.notice(notice_kind, **facts)
        notify(resident_id, kind or notice_kind, title, body, bill_id)


def record_access(auth: Claim, kind: str, amount: int | None = None, detail: str = "") -> None:
    db.session.add(
        AccessEvent(
            resident_id=auth.resident_id,
            bill_id=auth.bill_id,
            unit_id=auth.unit_id,
            claim_id=auth.id,
            kind=kind,
            amount=amount,
            detail=detail[:200],
            at=utcnow(),
        )
    )


# Built once: a unit's every view of a claim asks it.
_RECENT_VIEW = (
    select(AccessEvent.id)
    .where(
        AccessEvent.claim_id == bindparam("claim_id"), AccessEvent.kind == "viewed", AccessEvent.at > bindparam("since")
    )
    .limit(1)
)


def record_view(auth: Claim) -> None:
    """A unit opened the bill; repeated views within an hour count once."""
    recent = db.session.scalar(_RECENT_VIEW, {"claim_id": auth.id, "since": utcnow() - VIEW_COALESCE})
    if recent is None:
        record_access(auth, "viewed")
        if auth.resident_id is not None:  # a file claim has no resident whose pages could be open
            bump_change_seq(auth.resident_id)


def announce(resident_id: int) -> None:
    """Nudge the resident's open pages (they poll the change sequence)."""
    bump_change_seq(resident_id)


def bill_label(auth: Claim) -> str:
    bill = auth.bill
    return copy.bill_name(bill.issuer_name, bill.code, bill.number)


def unread_count(resident_id: int, sync: SyncState | None = None) -> int:
    """The kept count from the resident's sync state when there is one (every writer of notifications
    keeps it), else counted."""
    if sync is not None:
        return sync.unread_notifications
    return int(
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.resident_id == resident_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def recent_notifications(resident_id: int, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.resident_id == resident_id)
            .order_by(Notification.at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(resident_id: int) -> int:
    write_transaction(db.session)
    changed = rows_changed(
        db.session.execute(
            update(Notification)
            .where(Notification.resident_id == resident_id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    )
    if changed:
        bump_change_seq(resident_id, unread="all_read")
    db.session.commit()
    return int(changed or 0)


# Built once: a bill's page reads its own access history on every view.
_BILL_ACCESS_HISTORY = (
    select(AccessEvent)
    .where(AccessEvent.resident_id == bindparam("resident_id"), AccessEvent.bill_id == bindparam("bill_id"))
    .order_by(AccessEvent.at.desc(), AccessEvent.id.desc())
    .limit(bindparam("limit"))
)


def access_history(resident_id: int, bill_id: int | None = None, limit: int = 200) -> list[AccessEvent]:
    if bill_id is not None:
        params = {"resident_id": resident_id, "bill_id": bill_id, "limit": limit}
        return list(db.session.scalars(_BILL_ACCESS_HISTORY, params))
    stmt = select(AccessEvent).where(AccessEvent.resident_id == resident_id)
    return list(db.session.scalars(stmt.order_by(AccessEvent.at.desc(), AccessEvent.id.desc()).limit(limit)))
