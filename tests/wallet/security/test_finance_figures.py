"""The finance department's platform figures: counts from the database, bars as inline SVG, admin only."""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.authorization.fixtures import (  # noqa: F401  (fixtures)
    claimable,
    collected,
    demo_units,
    grant,
    resident_client,
    resident_id_of,
    stub_browser,
    unit_logins,
)
from tests.wallet.finance.test_console import admin_login
from wallet.extensions import db


def counted(wallet_app, sql: str) -> int:
    with wallet_app.app_context():
        return db.session.execute(text(sql)).scalar_one()


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


def test_figures_count_residents_bills_and_authorizations_and_draw_svg_bars(resident_client, wallet_app, demo_units):
    rid = resident_id_of(wallet_app)
    grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 2))
    bills = counted(wallet_app, "SELECT count(*) FROM bills")
    assert bills > 2 and counted(wallet_app, "SELECT count(*) FROM claims WHERE state = 'authorized'") == 2
    admin = wallet_app.test_client()
    admin_login(admin, wallet_app)
    page = admin.get("/finance/figures")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert figure(html, "residents") == str(counted(wallet_app, "SELECT count(*) FROM residents")) == "1"
    assert figure(html, "bills") == str(bills)
    assert figure(html, "locks") == "0" and figure(html, "rejected") == "0"
    assert figure(html, "reimbursed").startswith("0 笔")
    assert html.count('<svg class="chart"') == 2 and "<rect" in html and "已授权：2" in html
    assert 'href="/finance/figures"' in admin.get("/finance/").get_data(as_text=True)


def test_figures_need_the_finance_login(client, resident_client):
    assert client.get("/finance/figures").status_code in (302, 403)
