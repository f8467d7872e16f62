"""A family member acting on someone's bills, and the mark it leaves in that person's access history.

Every opening of, or action on, a bill by a guardian or a spouse is written to the access history
of the person whose bill it is, naming the family member as that person knows them
("监护人 乌*娜"). Entries carry no unit and no claim, so no unit page ever lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select

from common.timeutil import utcnow
from wallet.extensions import db
from wallet.models.authorization import AccessEvent
from wallet.models.family import CHILD, FamilyLink
from wallet.models.resident import Resident
from wallet.services.bill_store import bump_change_seq

VIEW_COALESCE = timedelta(hours=1)
ROLE_NAMES = {CHILD: "监护人", "spouse": "配偶"}


@dataclass(frozen=True)
class Acting:
    """The signed-in ``actor`` working on ``holder``'s bills through ``link``."""

    actor: Resident
    holder: Resident
    link: FamilyLink

    @property
    def relation(self) -> str:
        return self.link.relation

    @property
    def read_only(self) -> bool:
        """A spouse only reads what was shared; a guardian does all the child could."""
        return self.link.relation != CHILD

    @property
    def label(self) -> str:
        """The actor as the holder's access history names them."""
        return f"{ROLE_NAMES[self.link.relation]} {self.actor.masked_name}"


# Built once: each family view of a bill asks it.
_RECENT_VIEW = (
    select(AccessEvent.id)
    .where(
        AccessEvent.bill_id == bindparam("bill_id"),
        AccessEvent.actor_resident_id == bindparam("actor"),
        AccessEvent.kind == "family_view",
        AccessEvent.at > bindparam("since"),
    )
    .limit(1)
)


def record_access(acting: Acting, bill_id: int, kind: str, detail: str = "") -> None:
    """Add the entry in the caller's transaction (the caller commits); views within an hour count once."""
    if kind == "family_view":
        since = utcnow() - VIEW_COALESCE
        if db.session.scalar(_RECENT_VIEW, {"bill_id": bill_id, "actor": acting.actor.id, "since": since}):
            return
    db.session.add(
        AccessEvent(
            resident_id=acting.holder.id,
            bill_id=bill_id,
            actor_resident_id=acting.actor.id,
            actor_label=acting.label[:40],
            kind=kind,
            detail=detail[:200],
            at=utcnow(),
        )
    )
    bump_change_seq(acting.holder.id)
