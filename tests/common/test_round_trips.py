"""A request that only reads pays only for its reads; one that writes keeps its transaction whole.

On PostgreSQL plain reads run outside a transaction and a pooled connection is pinged only
after it sat idle, so reading two rows is two round trips — not a ping, a ``BEGIN``, the
reads and a ``ROLLBACK``. What the server receives is read from libpq's protocol trace (a
round trip ends each simple ``Query`` and each ``Sync`` of the extended protocol). On SQLite
every session still runs inside the transaction the begin hook opens.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, Integer, String, create_engine, event, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import common.database
from common.database import engine_options, write_transaction
from tests.support.environment import postgres_admin_url
from tests.support.server_log import ServerLog


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def url(db_backend: str, tmp_path: Path) -> Iterator[str]:
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'notes.db'}"
        return
    admin, name = postgres_admin_url(), f"bw_round_trips_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = create_engine(url, **engine_options(url))
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Note(id=1, text="one"), Note(id=2, text="two")])
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def server(engine: Engine, tmp_path: Path) -> ServerLog:
    """Traces connections opened from now on (the pool is emptied so every one is new)."""
    log = ServerLog(tmp_path)
    engine.dispose()
    event.listen(engine, "connect", lambda dbapi_connection, _record: log.attach(dbapi_connection))
    with engine.connect() as warm:  # the dialect's first-connect queries are not the test's
        warm.rollback()
    return log


def notes(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Note.text).order_by(Note.id)))


def test_a_session_that_only_reads_sends_only_its_reads(engine, server, db_backend):
    mark = server.mark()
    with Session(engine) as session:
        assert session.get(Note, 1).text == "one"
        assert session.scalar(select(Note.text).where(Note.id == 2)) == "two"
    sent, round_trips = server.since(mark)
    if db_backend == "postgresql":
        assert (len(sent), round_trips) == (2, 2), sent
        assert all(statement.startswith("SELECT notes.") for statement in sent), sent
    else:
        assert sent[0] == "BEGIN" and sent[-1] == "ROLLBACK", sent


def test_writes_after_reads_commit_together(engine, server):
    with Session(engine) as session:
        assert session.get(Note, 1).text == "one"
        session.get(Note, 1).text = "edited"
        session.add(Note(id=3, text="three"))
        session.commit()
    assert notes(engine) == ["edited", "two", "three"]


def test_a_failure_rolls_back_everything_since_the_first_write(engine, server):
    with Session(engine) as session:
        assert session.get(Note, 2).text == "two"
        session.add(Note(id=3, text="three"))
        session.flush()
        assert session.scalar(select(Note.text).where(Note.id == 3)) == "three"  # sees its own write
        session.add(Note(id=1, text="clash"))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
    assert notes(engine) == ["one", "two"]


def test_a_guarded_read_holds_its_lock_until_the_commit(engine, server, db_backend):
    with Session(engine) as holder, Session(engine) as other:
        write_transaction(holder)
        assert holder.scalar(select(Note).where(Note.id == 1).with_for_update()).text == "one"
        with pytest.raises((OperationalError, sqlite3.OperationalError)):  # SQLite's begin hook calls the driver
            if db_backend == "postgresql":
                other.execute(text("SET lock_timeout = '100ms'"))
                other.execute(text("UPDATE notes SET text = 'raced' WHERE id = 1"))
            else:
                other.connection().exec_driver_sql("PRAGMA busy_timeout = 100")
                write_transaction(other)
                other.execute(text("UPDATE notes SET text = 'raced' WHERE id = 1"))
        other.rollback()
        holder.commit()
        other.execute(text("UPDATE notes SET text = 'after' WHERE id = 1"))
        other.commit()
    assert notes(engine) == ["after", "two"]


def test_a_connection_the_server_dropped_while_idle_is_replaced(engine, server, db_backend, monkeypatch):
    monkeypatch.setattr(common.database, "PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect() as conn:
        if db_backend == "postgresql":
            with psycopg.connect(postgres_admin_url(), autocommit=True) as admin:
                pid = conn.connection.driver_connection.info.backend_pid
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        conn.rollback()
    assert notes(engine) == ["one", "two"]


def test_a_streamed_read_outside_any_write_gets_the_transaction_its_cursor_needs(engine: Engine) -> None:
    """``yield_per`` reads through a server-side cursor on PostgreSQL, which only a transaction can hold."""
    with Session(engine) as session:
        rows = session.scalars(select(Note.text).order_by(Note.id).execution_options(yield_per=1))
        assert list(rows) == ["one", "two"]
