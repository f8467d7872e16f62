"""Whether a share link still opens, read from the link and the wallet's mirror of its bills' status.

A link ends in one of four ways: the resident revokes it, its time runs out, a shared bill
is red-reversed or exchanged, or a unit takes a shared bill (locks it; a reimbursement
booked since sharing means it did). The last two are found when the link is looked at —
opened, or listed for the resident — and then written down, so a lock released later never
brings the link back. Too many wrong access codes lock the link as well.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select, update

from common.database import rows_changed, write_transaction
from common.translatable import gettext, lazy_gettext
from wallet import audit, policy
from wallet.extensions import db
from wallet.models.bill import BillEvent
from wallet.models.share import ShareLink

State = Literal["active", "expired", "revoked", "dead", "code_locked"]
MAX_CODE_FAILURES = 5
DEATH_REASONS: dict[str, str] = {
    "red_reversed": lazy_gettext("分享的票据已被开票单位冲红作废"),
    "exchanged": lazy_gettext("分享的票据已换开为纸质票据"),
    "locked": lazy_gettext("分享的票据已被报销单位锁定报销"),
    "gone": lazy_gettext("分享的票据已不在票据夹中"),
}
STATE_CHIPS: dict[str, tuple[str, str]] = {
    "active": (lazy_gettext("有效"), "ok"),
    "expired": (lazy_gettext("已过期"), ""),
    "revoked": (lazy_gettext("已撤销"), ""),
    "dead": (lazy_gettext("已失效"), "bad"),
    "code_locked": (lazy_gettext("访问码错误过多，已锁定"), "warn"),
}


def state_of(link: ShareLink, now: datetime) -> State:
    """What the link's own columns say (a death not yet found in the bills is :func:`settle`'s)."""
    if link.revoked_at is not None:
        return "revoked"
    if link.dead_at is not None:
        return "dead"
    if link.expires_at <= now:
        return "expired"
    if link.code_hash is not None and link.code_failures >= MAX_CODE_FAILURES:
        return "code_locked"
    return "active"


def ended_by(link: ShareLink, now: datetime) -> str | None:
    """Why the link's bills end it, by the mirrored status, or None while every one may still be shown."""
    if not link.bills:
        return "gone"
    for item in link.bills:
        reason = policy.share_ended_by(item.bill, now)
        if reason is not None:
            return reason
        if item.bill.reimbursed_amount > item.reimbursed_at_share:
            return "locked"
    locked_since = db.session.scalar(
        select(BillEvent.id)
        .where(
            BillEvent.bill_id.in_([item.bill_id for item in link.bills]),
            BillEvent.type == "locked",
            BillEvent.at > link.created_at,
        )
        .limit(1)
    )
    return "locked" if locked_since is not None else None


def settle(link: ShareLink, now: datetime) -> State:
    """The link's state, with a death its bills show written down first (and committed)."""
    state = state_of(link, now)
    if state not in ("active", "code_locked"):
        return state
    reason = ended_by(link, now)
    if reason is None:
        return state
    mark_dead(link, reason, now)
    return "dead"


def mark_dead(link: ShareLink, reason: str, now: datetime) -> None:
    """Record the death once (the first finder writes it; a revocation that came first stands)."""
    link_id = link.id
    write_transaction(db.session)
    changed = db.session.execute(
        update(ShareLink)
        .where(ShareLink.id == link_id, ShareLink.dead_at.is_(None), ShareLink.revoked_at.is_(None))
        .values(dead_at=now, dead_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(changed):
        audit.record("share.dead", None, f"share_link:{link_id}", reason=reason)
    db.session.commit()
    db.session.refresh(link)


def death_text(link: ShareLink) -> str:
    return str(DEATH_REASONS.get(link.dead_reason or "", gettext("分享的票据状态已变化")))
