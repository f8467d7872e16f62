"""What a database received, as its server saw it: statements in order and, on PostgreSQL, round trips.

PostgreSQL: libpq's protocol trace of each connection (a round trip ends each simple
``Query`` and each ``Sync`` of the extended protocol), so the ``BEGIN``, ``ROLLBACK`` and
pings a driver sends on its own are counted too. SQLite: the driver's trace callback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TextIO

import psycopg
from psycopg import pq


class ServerLog:
    """What the database received: statements in order, and (PostgreSQL) the round trips."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.traces: list[TextIO] = []
        self.sqlite_statements: list[str] = []

    def attach(self, dbapi_connection: object) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(self.sqlite_statements.append)
            return
        assert isinstance(dbapi_connection, psycopg.Connection)
        trace = (self.folder / f"trace-{len(self.traces)}.txt").open("w")
        self.traces.append(trace)
        dbapi_connection.pgconn.trace(trace.fileno())
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    def lines(self) -> list[str]:
        for trace in self.traces:
            trace.flush()
        return [line for trace in self.traces for line in Path(trace.name).read_text().splitlines()]

    def mark(self) -> int:
        return len(self.lines()) + len(self.sqlite_statements)

    def since(self, mark: int) -> tuple[list[str], int]:
        """Statements received since ``mark``, and how many round trips they took (PostgreSQL)."""
        if self.sqlite_statements:
            return self.sqlite_statements[mark:], 0
        lines = self.lines()[mark:]
        sent = [line.split('"', 1)[1].rsplit('"', 1)[0] for line in lines if "\tQuery\t" in line]
        sent += [line.split('"')[3] for line in lines if "\tParse\t" in line]
        return sent, sum(line.startswith("F\t") and ("\tQuery\t" in line or line.endswith("\tSync")) for line in lines)
