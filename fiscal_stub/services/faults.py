"""Faults a test can inject: latency, an error rate, a forged signature, the feed down.

Kept in the database (one row) rather than in memory, so every server process sees the
same faults and emptying the tables between tests clears them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from common.database import DbSession, rows_changed, write_transaction
from fiscal_stub.models import FaultState
from fiscal_stub.services.errors import invalid

NONE = {"latency_ms": 0, "error_rate": 0.0, "forge_next_signature": False, "feed_down": False}


def current(session: DbSession) -> FaultState | None:
    return session.execute(select(FaultState).where(FaultState.id == 1)).scalar_one_or_none()


def describe(state: FaultState | None) -> dict[str, Any]:
    if state is None:
        return dict(NONE)
    return {
        "latency_ms": state.latency_ms,
        "error_rate": state.error_permille / 1000,
        "forge_next_signature": state.forge_next,
        "feed_down": state.feed_down,
    }


def _validated(body: dict[str, Any]) -> dict[str, Any]:
    unknown = set(body) - set(NONE)
    if unknown:
        raise invalid(f"不认识的故障项：{'、'.join(sorted(unknown))}。")
    values: dict[str, Any] = {}
    if "latency_ms" in body:
        latency = body["latency_ms"]
        if not isinstance(latency, int) or isinstance(latency, bool) or not 0 <= latency <= 30_000:
            raise invalid("latency_ms 应为 0 到 30000 之间的整数（毫秒）。")
        values["latency_ms"] = latency
    if "error_rate" in body:
        rate = body["error_rate"]
        if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise invalid("error_rate 应为 0 到 1 之间的数。")
        values["error_permille"] = round(rate * 1000)
    for key, column in (("forge_next_signature", "forge_next"), ("feed_down", "feed_down")):
        if key in body:
            if not isinstance(body[key], bool):
                raise invalid(f"{key} 应为 true 或 false。")
            values[column] = body[key]
    return values


def set_faults(session: DbSession, body: dict[str, Any]) -> dict[str, Any]:
    values = _validated(body)
    write_transaction(session)
    state = current(session)
    if state is None:
        state = FaultState(id=1, latency_ms=0, error_permille=0, forge_next=False, feed_down=False)
        session.add(state)
    for column, value in values.items():
        setattr(state, column, value)
    session.commit()
    return describe(state)


def clear_faults(session: DbSession) -> None:
    write_transaction(session)
    session.execute(update(FaultState).values(latency_ms=0, error_permille=0, forge_next=False, feed_down=False))
    session.commit()


def take_forgery(session: DbSession) -> bool:
    """True for exactly one caller after ``forge_next_signature`` was set."""
    state = current(session)
    if state is None or not state.forge_next:
        return False
    write_transaction(session)
    taken = rows_changed(
        session.execute(
            update(FaultState)
            .where(FaultState.id == 1, FaultState.forge_next.is_(True))
            .values(forge_next=False)
            .execution_options(synchronize_session=False)
        )
    )
    session.commit()
    return taken == 1
