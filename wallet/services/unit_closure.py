"""What cancelling (注销) a unit account does to the claims it holds, and what the console says first.

The rule, also in docs/authorization.md:

- Every open claim the unit has not locked is released in the same transaction as the
  cancellation: account-mode authorizations end as ``expired`` with the reason
  “单位账户已注销” (shown to the resident as 已撤回), each resident is notified and the
  withdrawal enters their access history; file-mode claims simply close.
- A claim the unit has locked keeps its lock at the fiscal network until the lock lapses
  (at most ``UNIT_LOCK_TTL_SECONDS``). A cancelled unit may already have paid without
  reporting it yet, and releasing its lock early would let the same bill be reimbursed a
  second time; the lock is bounded, and the resident is told now when it ends. When it
  lapses, the sweep withdraws the authorization like the unlocked ones.

Freezing releases nothing: a frozen unit can do nothing, its authorizations keep their
deadlines, and it can be unfrozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select

from wallet import audit, copy, policy
from wallet.extensions import db
from wallet.models.claim import Claim
from wallet.services import activity, authorizations


@dataclass(frozen=True)
class Consequences:
    """What cancelling the unit now would do, counted for the confirmation page."""

    withdrawn: int
    residents: int
    kept_locked: int
    file_claims: int


def consequences(unit_id: int) -> Consequences:
    def count(*where: ColumnElement[bool]) -> int:
        return int(
            db.session.scalar(
                select(func.count(Claim.id)).where(Claim.unit_id == unit_id, Claim.open_key.is_not(None), *where)
            )
            or 0
        )

    account = Claim.source == "account"
    residents = int(
        db.session.scalar(
            select(func.count(func.distinct(Claim.resident_id))).where(
                Claim.unit_id == unit_id, Claim.open_key.is_not(None), account, Claim.state == "authorized"
            )
        )
        or 0
    )
    return Consequences(
        count(account, Claim.state == "authorized"),
        residents,
        count(account, Claim.state == "locked"),
        count(Claim.source == "file", Claim.state == "authorized"),
    )


def release_claims(unit_id: int, now: datetime) -> Consequences:
    """Inside the cancellation's write transaction: release what is unlocked, tell about what is locked."""
    held = db.session.scalars(
        select(Claim)
        .where(Claim.unit_id == unit_id, Claim.open_key.is_not(None))
        .with_for_update(of=Claim)
        .execution_options(populate_existing=True)
    ).all()
    withdrawn, locked, files, residents = 0, 0, 0, set()
    for claim in held:
        if claim.source == "file":
            if claim.state == "authorized":
                claim.close("expired", now, copy.END_REASONS["unit_cancelled"])
                files += 1
            continue
        assert claim.resident_id is not None
        if claim.state == "authorized" or policy.lock_lapsed(claim, now):
            authorizations.withdraw(claim, now)
            withdrawn += 1
            residents.add(claim.resident_id)
        else:
            locked += 1
            activity.tell(
                claim.resident_id,
                "unit_cancelled_locked",
                claim.bill_id,
                kind="unit_cancelled",
                unit=claim.unit.name,
                bill=activity.bill_label(claim),
                until=copy.minute(claim.lock_expires_at),
            )
        activity.announce(claim.resident_id)
    audit.record(
        "finance.cancel_release",
        "finance:1",
        f"unit:{unit_id}",
        withdrawn=withdrawn,
        kept_locked=locked,
        file_claims=files,
    )
    return Consequences(withdrawn, len(residents), locked, files)
