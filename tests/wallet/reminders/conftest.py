"""An activated resident, the demo units, and an app context on the wallet for every reminder test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.support.network import activate
from wallet.demo import DEMO_UNITS, seed_demo_units
from wallet.extensions import db
from wallet.models import Unit
from wallet.services.sync import sync_state


@pytest.fixture
def ctx(wallet_app) -> Iterator[None]:
    with wallet_app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def rid(wallet_app, ctx) -> int:
    """The resident, with the sync state every resident with bills has (it keeps the unread count)."""
    resident_id = activate(wallet_app, "p1")
    sync_state(resident_id)
    db.session.commit()
    return resident_id


@pytest.fixture
def units(wallet_app, ctx) -> dict[str, int]:
    """insurer (商业保险公司), agency (医保经办机构), employer (行政事业单位)."""
    seed_demo_units()
    return {
        u.key: db.session.scalars(select(Unit.id).where(Unit.credit_code == u.credit_code)).one() for u in DEMO_UNITS
    }
