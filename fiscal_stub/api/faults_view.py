"""The test-only fault switch; it does not exist outside development and test."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, jsonify

from common.settings import is_development
from fiscal_stub.api import bp
from fiscal_stub.api.inputs import json_body
from fiscal_stub.extensions import db
from fiscal_stub.services import faults


def _only_in_test() -> None:
    if not is_development(current_app.config["APP_ENV"]):
        abort(404)


@bp.get("/_faults")
def show_faults() -> Any:
    _only_in_test()
    return jsonify(ok=True, faults=faults.describe(faults.current(db.session)))


@bp.post("/_faults")
def set_faults() -> Any:
    _only_in_test()
    return jsonify(ok=True, faults=faults.set_faults(db.session, json_body()))


@bp.delete("/_faults")
def clear_faults() -> Any:
    _only_in_test()
    faults.clear_faults(db.session)
    return jsonify(ok=True, faults=faults.describe(None))
