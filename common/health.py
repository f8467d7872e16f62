"""Liveness that includes the database: a part that cannot reach its tables is not healthy."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError


def health_blueprint(db: SQLAlchemy, part: str) -> Blueprint:
    bp = Blueprint(f"{part}_health", __name__)

    @bp.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return jsonify(status="unavailable", part=part, database="down"), 503
        return jsonify(status="ok", part=part, database="up")

    return bp
