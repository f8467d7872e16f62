"""Liveness and readiness, each including the database.

``/healthz`` (liveness) answers 200 while the part and its database answer: a process that
fails it should be restarted. ``/readyz`` (readiness) answers 200 only when the part can
serve real requests: for a part with migrations that also means its schema is not behind
the code, so a load balancer keeps traffic away from a process whose release has not been
migrated yet. A schema *newer* than the code (a later release migrated first) counts as
ready: migrations are written expand-then-contract, so the running release keeps working
while the next one rolls out (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError


def schema_state(db: SQLAlchemy, script: ScriptDirectory) -> str:
    """``current``, ``behind`` (empty or an older known revision) or ``newer`` (a revision this code lacks)."""
    with db.engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    if applied == set(script.get_heads()):
        return "current"
    known = {rev.revision for rev in script.walk_revisions()}
    if not applied or applied <= known:
        return "behind"
    return "newer"


def health_blueprint(db: SQLAlchemy, part: str, alembic_config: Callable[[], Config] | None = None) -> Blueprint:
    """``/healthz`` and ``/readyz`` for one part; pass ``alembic_config`` when the part has migrations."""
    bp = Blueprint(f"{part}_health", __name__)

    @lru_cache(maxsize=1)
    def scripts() -> ScriptDirectory:
        assert alembic_config is not None
        return ScriptDirectory.from_config(alembic_config())

    def database_answers() -> bool:
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            return False
        return True

    @bp.get("/healthz")
    def healthz() -> ResponseReturnValue:
        if not database_answers():
            return jsonify(status="unavailable", part=part, database="down"), 503
        return jsonify(status="ok", part=part, database="up")

    @bp.get("/readyz")
    def readyz() -> ResponseReturnValue:
        if not database_answers():
            return jsonify(status="not_ready", part=part, database="down"), 503
        if alembic_config is None:
            return jsonify(status="ready", part=part, database="up")
        try:
            schema = schema_state(db, scripts())
        except SQLAlchemyError:
            return jsonify(status="not_ready", part=part, database="down"), 503
        ready = schema != "behind"
        body = jsonify(status="ready" if ready else "not_ready", part=part, database="up", schema=schema)
        return (body, 200) if ready else (body, 503)

    return bp
