"""How many claims each unit has in each state, kept up to date in the transaction that changes them.

The unit inbox shows these numbers instead of counting 400,000 rows on every page view. They
are kept by the ORM itself: after every flush, the claims the flush inserted, deleted or moved to
another state adjust their unit's rows here, on the same connection, so the counts commit or roll
back with the change. Statements that bypass the ORM (a bulk ``delete(Claim)``) call
:func:`forget_claims` first. A unit's row is a hot spot only for that unit's own writes.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session

from wallet.extensions import Model
from wallet.models.claim import Claim

Deltas = Counter[tuple[int, str]]


class UnitClaimCount(Model):
    __tablename__ = "unit_claim_counts"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


@cache
def _add(dialect: str) -> Any:
    """The upsert that adds to a count, built once per dialect: every flush that moves a claim runs it."""
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(UnitClaimCount.__table__)
    return stmt.on_conflict_do_update(
        index_elements=["unit_id", "state"], set_={"n": UnitClaimCount.__table__.c.n + stmt.excluded.n}
    )


def apply(connection: Connection, deltas: Deltas) -> None:
    """Add each delta to its (unit, state) row, creating the row on first use (an upsert, so two
    transactions making a unit's first claim in a state do not collide)."""
    changes = [{"unit_id": u, "state": s, "n": n} for (u, s), n in sorted(deltas.items()) if n]
    if changes:
        connection.execute(_add(connection.dialect.name), changes)


def _state_changes(claim: Claim) -> Deltas:
    history = inspect(claim).attrs.state.history
    deltas: Deltas = Counter()
    for old in history.deleted or ():
        deltas[(claim.unit_id, old)] -= 1
    for new in history.added or ():
        deltas[(claim.unit_id, new)] += 1
    return deltas


@event.listens_for(Session, "after_flush")
def _count_flushed_claims(session: Session, _context: Any) -> None:
    deltas: Deltas = Counter()
    for obj in session.new:
        if isinstance(obj, Claim):
            deltas[(obj.unit_id, obj.state or "authorized")] += 1
    for obj in session.dirty:
        if isinstance(obj, Claim):
            deltas.update(_state_changes(obj))
    for obj in session.deleted:
        if isinstance(obj, Claim):
            deltas[(obj.unit_id, inspect(obj).committed_state.get("state", obj.state))] -= 1
    apply(session.connection(), deltas)


def forget_claims(session: Session | scoped_session[Any], *conditions: Any) -> None:
    """Take the claims matching ``conditions`` off the counts before a bulk statement deletes them."""
    rows = session.execute(
        select(Claim.unit_id, Claim.state, func.count()).where(*conditions).group_by(Claim.unit_id, Claim.state)
    )
    apply(session.connection(), Counter({(unit_id, state): -n for unit_id, state, n in rows}))
