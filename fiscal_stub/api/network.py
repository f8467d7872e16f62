"""Public reference: the provinces' published keys and the bill types with their code pairs."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from fiscal_stub.api import bp
from fiscal_stub.extensions import db
from fiscal_stub.reference.bill_types import BILL_TYPES
from fiscal_stub.services.keys import published_keys


@bp.get("/keys")
def keys() -> Any:
    return jsonify(ok=True, keys=published_keys(db.session))


@bp.get("/bill-types")
def bill_types() -> Any:
    return jsonify(
        ok=True,
        types=[
            {"key": t.key, "name": t.name, "classification": t.classification, "kind": t.kind, "medical": t.medical}
            for t in BILL_TYPES
        ],
    )
