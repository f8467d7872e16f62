"""The notification centre on a phone: no date, time or amount in a notice — in its title's time or in
the words of its body — is broken over two lines, at both phone widths (a broken time is misread)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from common.database import write_transaction
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import resident_id_of
from tests.wallet.browser.resident_sign_in import log_in_first_time
from wallet import copy
from wallet.extensions import db
from wallet.services import activity
from wallet.services.sync import sync_state


def test_notices_keep_their_time_on_one_line(system, seeded_idp, wallet_app, page: Page):
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    rid = resident_id_of(wallet_app)
    with wallet_app.app_context():
        write_transaction(db.session)
        sync_state(rid)
        for unit in ("中国人寿保险股份有限公司内蒙古自治区分公司", "呼和浩特市医疗保障局", "内蒙古自治区财政厅工会"):
            words = copy.NOTICES["authorized"][1].format(
                count=1, amount="¥1,234.56", unit=unit, until="2027-01-05 18:51"
            )
            activity.notify(rid, "authorized", "授权成功", words)
        db.session.commit()
    page.goto("/notifications")
    expect(page.get_by_text("授权成功").first).to_be_visible()
    check_page(page, "notifications")
