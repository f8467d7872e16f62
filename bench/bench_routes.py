"""Routes only benchmarks add: hello ceilings, anonymous and signed in, and a way to sign a resident in."""

from __future__ import annotations

from flask import Flask, abort
from flask_login import login_required

from wallet.auth.identity import VerifiedIdentity
from wallet.auth.sessions import sign_in
from wallet.extensions import db
from wallet.models import Resident


def add_bench_routes(app: Flask) -> Flask:
    @app.get("/__hello")
    def hello() -> str:
        return "hello"

    @app.get("/__hello_signed_in")
    @login_required
    def hello_signed_in() -> str:
        """What every signed-in page pays before its own work: the session checked, the account read."""
        return "hello"

    @app.get("/__bench_login/<int:resident_id>")
    def bench_login(resident_id: int) -> str:
        resident = db.session.get(Resident, resident_id) or abort(404)
        sign_in(
            resident,
            VerifiedIdentity(
                sub=resident.oidc_sub,
                name=resident.name,
                id_number=resident.id_number,
                acr="urn:mengsuban:loa:2",
                auth_time=0,
                id_token="bench",
            ),
        )
        return "ok"

    return app
