"""Database plumbing shared by every part: one declarative base and engine options per backend.

SQLite is the embedded default and must still honour the rules that guard bill status
under concurrency, so its connections run in WAL mode with a busy timeout, and a
transaction that must hold the write lock from its first statement asks for
``BEGIN IMMEDIATE`` through :func:`write_transaction`.

On PostgreSQL every round trip counts: most requests only read, and a request that reads
two rows would otherwise pay a ``SELECT 1`` ping, a ``BEGIN`` and a ``ROLLBACK`` besides.
So a pooled connection is pinged only after it sat idle (:data:`PING_AFTER_IDLE_SECONDS`),
and plain reads run outside any transaction: the server's transaction begins at the first
statement that writes, locks (``FOR UPDATE``, advisory locks) or is anything but a plain
``SELECT``, and ends with the session's commit or rollback as before. Under READ COMMITTED,
PostgreSQL's level here, each statement sees what was committed when it started, inside a
transaction or not, so reads before the first write see the same rows either way; what a
transaction adds — locks held to its end, its own uncommitted writes, all-or-nothing — only
matters from its first write or lock on, and from there every statement is inside it.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import psycopg
from flask_sqlalchemy import SQLAlchemy
from psycopg.pq import TransactionStatus
from sqlalchemy import CompoundSelect, MetaData, Select, Table, event, exc, inspect
from sqlalchemy.engine import CursorResult, Engine, ExecutionContext, Result
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.pool import Pool

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_IMMEDIATE = "sqlite_begin_immediate"
# A pooled PostgreSQL connection idle this long is pinged before use (a restarted server or a
# dropped link is then noticed before a request's first statement, as pool_pre_ping would).
PING_AFTER_IDLE_SECONDS = 10.0
IDLE_SINCE = "idle_since"
# What makes a SELECT more than a read: row locks, and functions that lock, notify or set state.
NOT_A_READ = re.compile(
    r"\bFOR (?:NO KEY |KEY )?(?:UPDATE|SHARE)\b|\b(?:INSERT|UPDATE|DELETE)\b|pg_advisory|pg_notify|set_config"
)


# A session as services take it: a plain Session, or Flask-SQLAlchemy's ``db.session`` (a scoped
# session, which proxies one but is not a Session to a type checker).
DbSession = Session | scoped_session[Any]

if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as FlaskModel

    class TypedModel(DeclarativeBase, FlaskModel):
        """What type checkers take each part's ``db.Model`` for.

        ``db.Model`` is built at run time, and a type checker cannot subclass a value; each
        part's ``extensions.Model`` names ``db.Model`` at run time and this class for checking.
        """

        # Every model maps one table of its own (no inheritance mapping), so ``__table__`` is a Table.
        __table__: ClassVar[Table]


def make_db() -> SQLAlchemy:
    """A Flask-SQLAlchemy instance with its own metadata, so each part owns its tables."""

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING)

    return SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_size": 10, "max_overflow": 20}


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    dbapi_connection.isolation_level = None  # let the begin hook below emit BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn: Any) -> None:
    if conn.dialect.name != "sqlite":
        return
    immediate = conn.get_execution_options().get(SQLITE_IMMEDIATE)
    # Straight to the driver: a fixed statement on every transaction needs none of the
    # statement machinery (nearly every request opens one).
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _is_psycopg(dbapi_connection: Any) -> bool:
    return type(dbapi_connection).__module__.startswith("psycopg")


@event.listens_for(Pool, "checkin")
def _note_idle(dbapi_connection: Any, record: Any) -> None:
    record.info[IDLE_SINCE] = time.monotonic()
    if _is_psycopg(dbapi_connection) and dbapi_connection.info.transaction_status == TransactionStatus.IDLE:
        dbapi_connection.autocommit = True


@event.listens_for(Pool, "checkout")
def _ping_after_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Ping a PostgreSQL connection that sat idle; a dead one is replaced (the pool retries)."""
    since = record.info.get(IDLE_SINCE)
    if not _is_psycopg(dbapi_connection) or since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.execute("SELECT 1")
    except psycopg.OperationalError as error:
        raise exc.DisconnectionError(str(error)) from error


@event.listens_for(Engine, "connect")
def _reads_outside_transactions(dbapi_connection: Any, _record: Any) -> None:
    if _is_psycopg(dbapi_connection):
        dbapi_connection.autocommit = True


@lru_cache(maxsize=4096)
def _locks_or_writes(statement: str) -> bool:
    """Kept per statement text: the compiled-statement cache hands back the same few hundred strings."""
    return NOT_A_READ.search(statement) is not None


def is_plain_read(statement: str, context: ExecutionContext | None) -> bool:
    """A SELECT built with the query API that neither locks nor calls anything that changes state.

    A streamed read (``yield_per``, ``stream_results``) is not one: PostgreSQL serves it from a
    server-side cursor, which lives only inside a transaction.
    """
    compiled = getattr(context, "compiled", None)
    if not isinstance(getattr(compiled, "statement", None), Select | CompoundSelect):
        return False
    streamed = context is not None and context.execution_options.get("stream_results", False)
    return not streamed and not _locks_or_writes(statement)


@event.listens_for(Engine, "before_cursor_execute")
def _begin_at_first_write(
    conn: Any, _cursor: Any, statement: str, _parameters: Any, context: Any, _executemany: bool
) -> None:
    """Between transactions, a plain read runs on its own; anything else makes psycopg begin one first."""
    if conn.dialect.driver != "psycopg":
        return
    driver = conn.connection.driver_connection
    if driver.pgconn.transaction_status != TransactionStatus.IDLE:
        return
    plain = is_plain_read(statement, context)
    if driver.autocommit != plain:  # psycopg's setter runs its wait machinery: only when it changes
        driver.autocommit = plain


class PendingWork(RuntimeError):
    """A write transaction was asked for while the session still held changes nobody committed."""


WROTE = "wrote_in_transaction"


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)


def write_transaction(session: DbSession) -> None:
    """Start ``session``'s transaction holding the write lock (SQLite) before anything is read.

    Call first thing in a service function that reads, checks and writes status; on
    PostgreSQL combine it with ``with_for_update()`` on the rows being guarded.
    Accepts Flask-SQLAlchemy's ``db.session`` (a scoped session) as well. A transaction
    that only read is ended; one holding changes raises :class:`PendingWork` — rolling
    them back here would lose them without a word.
    """
    plain = session() if isinstance(session, scoped_session) else session
    if plain.in_transaction():
        refuse_pending_work(plain)
        plain.rollback()
    plain.connection(execution_options={SQLITE_IMMEDIATE: True})


def refuse_pending_work(session: DbSession) -> None:
    """Raise :class:`PendingWork` if ``session`` holds changes nobody committed (added, edited, deleted or flushed)."""
    plain = session() if isinstance(session, scoped_session) else session
    changed = any(plain.is_modified(row) for row in plain.dirty)
    if plain.new or plain.deleted or changed or plain.info.get(WROTE):
        raise PendingWork("commit or roll back the changes before starting a write transaction")


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through a session changed.

    The session hands back a CursorResult for those statements, but is typed to return any
    Result, as not every statement it runs yields one.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} carries no row count")
    return result.rowcount


def truncate_all(db: SQLAlchemy) -> None:
    """Empty every table of one part that exists (tests use it between cases).

    A model whose migration is missing is caught by the migration test, not here.
    """
    with db.engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
        if not tables:
            return
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(table.delete())
