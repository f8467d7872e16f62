"""The SQL a block of test code sends to the wallet's database, as text, for tests that count queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from wallet.extensions import db


@contextmanager
def statements_sent(wallet_app: Flask) -> Iterator[list[str]]:
    """Every statement sent inside the block, its whitespace folded to single spaces."""
    seen: list[str] = []
    with wallet_app.app_context():
        engine = db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
