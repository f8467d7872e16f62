"""Opening a share link, for whoever holds it: find it, check its access code, ask the network, record it.

Nothing here knows who the visitor is; the link is the only credential. A wrong access code
uses up one of the link's attempts *before* the code is compared, so guesses sent side by side
cannot outnumber the attempts (a right code hands its attempt back). The network is asked
about every bill outside any transaction, and its answer can end the link as the mirror can.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select, update

from common.database import rows_changed, write_transaction
from wallet import audit
from wallet.extensions import db
from wallet.models.authorization import AccessEvent
from wallet.models.share import ShareLink, ShareLinkBill
from wallet.services import share_tokens
from wallet.services.bill_store import bump_change_seq
from wallet.services.share_links import PURPOSES
from wallet.services.share_state import MAX_CODE_FAILURES, mark_dead
from wallet.services.verification import Verification, fetch_verified

CodeOutcome = Literal["ok", "wrong", "locked", "malformed"]
OPENED = "share_opened"
DOWNLOADED = "share_download"


def find(token: str) -> ShareLink | None:
    """The link a token opens; a token of the wrong shape is not looked up at all."""
    if not share_tokens.well_formed(token):
        return None
    return db.session.scalar(select(ShareLink).where(ShareLink.token_hash == share_tokens.token_hash(token)))


@dataclass(frozen=True)
class CodeAttempt:
    outcome: CodeOutcome
    attempts_left: int = 0


def try_code(link: ShareLink, typed: str) -> CodeAttempt:
    """Compare a typed access code; six digits or it is not counted."""
    code = share_tokens.typed_code(typed)
    if code is None:
        return CodeAttempt("malformed", max(0, MAX_CODE_FAILURES - link.code_failures))
    if link.code_hash is None:
        return CodeAttempt("ok")
    link_id, hashed, stored = link.id, link.token_hash, link.code_hash
    write_transaction(db.session)
    reserved = rows_changed(
        db.session.execute(
            update(ShareLink)
            .where(ShareLink.id == link_id, ShareLink.code_failures < MAX_CODE_FAILURES)
            .values(code_failures=ShareLink.code_failures + 1)
            .execution_options(synchronize_session=False)
        )
    )
    if not reserved:
        db.session.rollback()
        return CodeAttempt("locked")
    if share_tokens.code_matches(hashed, stored, code):
        db.session.execute(
            update(ShareLink)
            .where(ShareLink.id == link_id)
            .values(code_failures=ShareLink.code_failures - 1)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        db.session.refresh(link)
        return CodeAttempt("ok")
    failures = db.session.scalar(select(ShareLink.code_failures).where(ShareLink.id == link_id)) or 0
    if failures >= MAX_CODE_FAILURES:
        audit.record("share.code_locked", "public:", f"share_link:{link_id}")
    db.session.commit()
    db.session.refresh(link)
    if failures >= MAX_CODE_FAILURES:
        return CodeAttempt("locked")
    return CodeAttempt("wrong", MAX_CODE_FAILURES - failures)


@dataclass(frozen=True)
class SharedBill:
    """One bill of an opened link, with what the network says of it now."""

    item: ShareLinkBill
    verification: Verification


def ask_network(link: ShareLink) -> list[SharedBill]:
    """Each bill's live, signature-checked copy from the network; no check is counted against the bill."""
    db.session.commit()  # no transaction is held across the network calls
    return [SharedBill(item, fetch_verified(item.bill.code, item.bill.number)) for item in link.bills]


def ended_live(link: ShareLink, shared: list[SharedBill], now: datetime) -> bool:
    """Whether the network's answer ends the link (voided, or taken by a unit, since the mirror last heard)."""
    for entry in shared:
        verified = entry.verification.bill
        if verified is None:
            continue
        status = verified.status
        reason = None
        if status.get("issuance") in ("red_reversed", "exchanged"):
            reason = str(status["issuance"])
        elif (
            status.get("reimbursement") == "locked"
            or int(status.get("reimbursed_amount") or 0) > entry.item.reimbursed_at_share
        ):
            reason = "locked"
        if reason is not None:
            mark_dead(link, reason, now)
            return True
    return False


def record(link: ShareLink, kind: str, items: list[ShareLinkBill], now: datetime) -> None:
    """Enter the opening (or a download) in the resident's access history, and nudge their open pages."""
    link_id, resident_id, purpose = link.id, link.resident_id, link.purpose
    bill_ids = [item.bill_id for item in items]
    write_transaction(db.session)
    for bill_id in bill_ids:
        db.session.add(
            AccessEvent(
                resident_id=resident_id,
                bill_id=bill_id,
                share_link_id=link_id,
                kind=kind,
                detail=PURPOSES.get(purpose, ""),
                at=now,
            )
        )
    if kind == OPENED:
        db.session.execute(
            update(ShareLink)
            .where(ShareLink.id == link_id)
            .values(opened_count=ShareLink.opened_count + 1, last_opened_at=now)
            .execution_options(synchronize_session=False)
        )
    bump_change_seq(resident_id)
    audit.record(f"share.{'open' if kind == OPENED else 'download'}", "public:", f"share_link:{link_id}")
    db.session.commit()
