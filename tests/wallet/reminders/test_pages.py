"""The reminder pages: the list a digest links to, and the choices form (303 when saved; bad input 400)."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import csrf_token_of
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import persona
from tests.wallet.auth.flows import log_in
from tests.wallet.reminders.making import NOW, bill, days, remind_at
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import ReminderSettings
from wallet.services.sync import sync_state


@pytest.fixture
def signed_in(client, seeded_idp):  # noqa: F811
    log_in(client, "p1", http=requests.Session())
    return client


def form(client) -> str:
    return csrf_token_of(client.get("/reminders/settings").get_data(as_text=True))


def settings(wallet_app) -> tuple[str, bool] | None:
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        row = db.session.get(ReminderSettings, rid)
        return None if row is None else (row.off_kinds, row.digest)


def test_choices_are_saved_and_shown_again(signed_in, wallet_app):
    page = signed_in.get("/reminders/settings").get_data(as_text=True)
    assert page.count('name="kind"') == 6 and page.count("checked") == 7 and "接收推送提醒" in page
    reply = signed_in.post(
        "/reminders/settings", data={"csrf_token": form(signed_in), "kind": ["claim_window", "remainder"]}
    )
    assert reply.status_code == 303 and reply.headers["Location"] == "/reminders/settings"
    assert settings(wallet_app) == ("lock_lapse,auth_expiry,red_reversed,tax_window", False)
    again = signed_in.get("/reminders/settings").get_data(as_text=True)
    assert "提醒设置已保存" in again and again.count("checked") == 2


@pytest.mark.parametrize(
    "data",
    [{"kind": ["yearly_report"]}, {"kind": ["remainder", "remainder"]}, {"digest": "yes"}],
    ids=["unknown kind", "twice", "odd digest value"],
)
def test_bad_choices_are_refused_and_change_nothing(signed_in, wallet_app, data):
    reply = signed_in.post("/reminders/settings", data={"csrf_token": form(signed_in), **data})
    assert reply.status_code == 400 and "提交的提醒类型无效" in reply.get_data(as_text=True)
    assert settings(wallet_app) is None


def test_the_reminder_list_shows_each_reminder_with_its_action(signed_in, wallet_app):
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        assert rid is not None
        sync_state(rid)
        db.session.commit()
        b = bill(rid, NOW - days(365) + days(20))
        remind_at(NOW)
    page = signed_in.get("/reminders").get_data(as_text=True)
    assert "报销时限将到" in page and f'href="/authorize?bill={b}">去授权报销</a>' in page
    centre = signed_in.get("/notifications").get_data(as_text=True)
    assert f'href="/authorize?bill={b}">去授权报销</a>' in centre
