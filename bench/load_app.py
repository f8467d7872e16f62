"""The wallet alone, as the load benchmark serves it: ``gunicorn 'bench.load_app:create()'``.

The identity provider and the fiscal network run on a server of their own at
``BENCH_STUB_PORT``, as the real services do in production, so a lock waits on the
network and never on a worker of its own server. Configured by ``BENCH_DB_DIR``,
``BENCH_PORT``, ``BENCH_STUB_PORT`` (and ``BENCH_DATABASE_URL_TEMPLATE``). The same module
runs the collection worker: ``flask --app 'bench.load_app:create()' wallet work``; scripts/check_ui.py
signs in through :func:`add_load_routes` too.
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask, abort
from sqlalchemy import select

import wallet
from bench.bench_routes import add_bench_routes
from bench.harness import system_config
from wallet.auth.areas import sign_in_user
from wallet.auth.identity import LOA_FACE, VerifiedIdentity
from wallet.auth.sessions import sign_in
from wallet.extensions import db
from wallet.models import Resident
from wallet.models.unit import UnitUser


def wallet_config(db_dir: str, port: int, stub_port: int) -> dict[str, Any]:
    outside = f"http://127.0.0.1:{stub_port}"
    return {
        **system_config(db_dir, port)["wallet"],
        "FISCAL_API_URL": f"{outside}/fiscal/api/v1",
        "OIDC_DISCOVERY_URL": f"{outside}/idp/.well-known/openid-configuration",
    }


def add_load_routes(app: Flask) -> Flask:
    """Sign-ins the load needs beyond bench_routes: a resident fresh from face verification, a unit user."""

    @app.get("/__bench_face_login/<int:resident_id>")
    def bench_face_login(resident_id: int) -> str:
        resident = db.session.get(Resident, resident_id) or abort(404)
        sign_in(
            resident,
            VerifiedIdentity(
                sub=resident.oidc_sub,
                name=resident.name,
                id_number=resident.id_number,
                acr=LOA_FACE,
                auth_time=int(time.time()),
                id_token="bench",
            ),
        )
        return "ok"

    @app.get("/__bench_unit_login/<username>")
    def bench_unit_login(username: str) -> str:
        user = db.session.scalar(select(UnitUser).where(UnitUser.username == username)) or abort(404)
        sign_in_user(user)
        return "ok"

    return app


def create() -> Flask:
    """The wallet configured from the environment, with every benchmark route."""
    config = wallet_config(
        os.environ["BENCH_DB_DIR"], int(os.environ["BENCH_PORT"]), int(os.environ["BENCH_STUB_PORT"])
    )
    return add_load_routes(add_bench_routes(wallet.create_app(config)))
