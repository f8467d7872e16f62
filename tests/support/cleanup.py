"""Emptying after a test only the tables it wrote to, instead of every table of every part.

A test against the live system commits across connections (its own thread, the server's
threads, the collection worker), so it cannot be rolled back: it must be cleaned up. Each
part's engine reports every statement it ran; a write names its table, and only those
tables are emptied. A table nobody wrote to since the last clean-up is still empty.
"""

from __future__ import annotations

import re
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

# The table a statement writes to, whoever built it: the ORM, Core, text() or driver SQL.
# A false match (``FOR UPDATE SKIP``) names no table and is ignored.
WRITE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
    r'\s+(?:ONLY\s+)?"?(\w+)"?',
    re.IGNORECASE,
)
CLEANING = "test_cleanup"
# The sequences that number each table's rows (serial and identity columns), on PostgreSQL.
OWNED_SEQUENCES = text("""
    SELECT t.relname, s.relname FROM pg_class s
    JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    WHERE s.relkind = 'S' AND t.relnamespace = 'public'::regnamespace
""")


def written_tables(statement: str) -> set[str]:
    """Every table name a statement writes to (or may: over-reporting only costs an empty DELETE)."""
    return set(WRITE.findall(statement))


class TableWrites:
    """The tables of one part written since the last :meth:`clean`, noted as statements succeed."""

    def __init__(self, db: SQLAlchemy) -> None:
        self.db = db
        self.engine = db.engine
        self.names = {table.name for table in db.metadata.sorted_tables}
        self.written: set[str] = set()
        self.sequences: dict[str, list[str]] | None = None
        event.listen(self.engine, "after_cursor_execute", self._note)

    def _note(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not conn.get_execution_options().get(CLEANING):
            self.written |= written_tables(statement) & self.names

    def clean(self) -> set[str]:
        """Empty the written tables (children first) and return their names."""
        written, self.written = self.written, set()
        tables = [t for t in reversed(self.db.metadata.sorted_tables) if t.name in written]
        if not tables:
            return written
        with self.engine.begin() as conn:
            conn = conn.execution_options(**{CLEANING: True})
            for table in tables:
                conn.execute(table.delete())
            if conn.dialect.name == "postgresql":
                self._restart_numbering(conn, [t.name for t in tables])
        return written

    def _restart_numbering(self, conn: Connection, tables: list[str]) -> None:
        """Number the next rows from 1 again, as in a fresh database (SQLite reuses ids by itself).

        DELETE and a sequence restart cost a fraction of ``TRUNCATE``, which makes new files.
        """
        if self.sequences is None:
            self.sequences = {}
            for table, sequence in conn.execute(OWNED_SEQUENCES):
                self.sequences.setdefault(table, []).append(sequence)
        for table in tables:
            for sequence in self.sequences.get(table, []):
                conn.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')
