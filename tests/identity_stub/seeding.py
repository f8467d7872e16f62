"""Fixtures that give the stub its demo people and the wallet's registration, fast, per test."""

from __future__ import annotations

import pytest
from flask import Flask

from identity_stub.seed import seed_demo_data


@pytest.fixture
def seeded_idp(idp_app: Flask) -> Flask:
    with idp_app.app_context():
        seed_demo_data()
    return idp_app
