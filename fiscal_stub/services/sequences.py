"""Named counters that hand out event ids and bill numbers.

The counter row is updated (and so locked) inside the caller's transaction, so values are
handed out in commit order: a feed reader that has seen id N never later meets a smaller
id committed behind its back. Callers lock bill rows first and counters after, ``event``
before any ``n:<code>`` counter, in code order, so concurrent writers cannot deadlock.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from common.database import DbSession
from fiscal_stub.models import Counter

EVENTS = "event"


def number_counter(code: str) -> str:
    return f"n:{code}"


def _insert_missing(session: DbSession, names: list[str]) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(Counter)
        .values([{"name": n, "value": 0} for n in names])
        .on_conflict_do_nothing(index_elements=["name"])
    )


def allocate_many(session: DbSession, counts: dict[str, int]) -> dict[str, int]:
    """``allocate`` for many counters in three statements (bulk loading touches hundreds of codes)."""
    names = sorted(counts)
    if not names:
        return {}
    _insert_missing(session, names)
    table = Counter.__table__
    session.execute(
        table.update().where(table.c.name == bindparam("counter")).values(value=table.c.value + bindparam("step")),
        [{"counter": n, "step": counts[n]} for n in names],
    )
    rows = session.execute(select(Counter.name, Counter.value).where(Counter.name.in_(names))).all()
    return {name: int(value) - counts[name] + 1 for name, value in rows}


def allocate(session: DbSession, name: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive values of counter ``name`` and return the first (from 1)."""
    bump = (
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + count)
        .returning(Counter.value)
        .execution_options(synchronize_session=False)
    )
    value = session.execute(bump).scalar_one_or_none()
    if value is None:
        _insert_missing(session, [name])
        value = session.execute(bump).scalar_one()
    return int(value) - count + 1
