"""First login opens the personal digital account only after the resident reads and accepts what it does."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from tests.conftest import csrf_token_of
from tests.wallet.auth.flows import accept_terms, back_from_stub, log_in, signed_in_user_id
from wallet.extensions import db
from wallet.identity import lookup_hash
from wallet.models import Resident


def residents(wallet_app) -> list[Resident]:
    with wallet_app.app_context():
        return list(db.session.scalars(select(Resident)))


def test_first_login_shows_the_terms_and_creates_nothing_yet(seeded_idp, client, wallet_app):
    response = back_from_stub(client, "/login", persona="p1")
    assert response.status_code == 302 and response.headers["Location"] == "/activate"
    page = client.get("/activate").get_data(as_text=True)
    assert "开通个人数字账户" in page and "乌*娜" in page and "1501**********110X" in page
    for words in ("交款人为您本人", "谁能看到什么", "报销单位：只能看到您授权给它的票据", "条款版本：2026-11"):
        assert words in page
    assert "乌日娜" not in page and "15010219860314110X" not in page
    assert signed_in_user_id(client) is None
    assert residents(wallet_app) == []


def test_activation_without_ticking_acceptance_is_refused_and_changes_nothing(seeded_idp, client, wallet_app):
    back_from_stub(client, "/login", persona="p1")
    token = csrf_token_of(client.get("/activate").get_data(as_text=True))
    response = client.post("/activate", data={"csrf_token": token})
    assert response.status_code == 422
    assert "请先阅读并勾选同意" in response.get_data(as_text=True)
    assert residents(wallet_app) == [] and signed_in_user_id(client) is None


def test_accepting_activates_the_account_with_time_terms_and_sealed_identity(seeded_idp, client, wallet_app):
    back_from_stub(client, "/login", persona="p1")
    response = accept_terms(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    [resident] = residents(wallet_app)
    assert resident.activated_at is not None and resident.terms_version == "2026-11"
    assert b"15010219860314110X" not in resident.id_number_enc and "乌日娜".encode() not in resident.name_enc
    with wallet_app.app_context():
        assert resident.id_number_hash == lookup_hash("15010219860314110x")
        assert (resident.name, resident.id_number) == ("乌日娜", "15010219860314110X")
    assert signed_in_user_id(client) == f"resident:{resident.id}"

    home = client.get("/").get_data(as_text=True)
    assert "个人数字账户已开通" in home and '<span class="session-name">乌*娜</span>' in home
    assert "乌日娜" not in home and "使用蒙速办实名登录" not in home
    card = client.get("/account").get_data(as_text=True)
    assert "1501**********110X" in card and "开通时间" in card and "已开通" in card
    assert "乌*娜" in card and "乌日娜" not in card and "15010219860314110X" not in card


def test_second_login_skips_activation(seeded_idp, client, wallet_app):
    log_in(client, "p2")
    first_login = residents(wallet_app)[0].last_login_at
    client.post("/logout", data={"csrf_token": csrf_token_of(client.get("/").get_data(as_text=True))})
    response = back_from_stub(client, "/login", persona="p2")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    [resident] = residents(wallet_app)
    assert resident.last_login_at >= first_login
    assert signed_in_user_id(client) == f"resident:{resident.id}"


def test_declining_keeps_nothing(seeded_idp, client, wallet_app):
    back_from_stub(client, "/login", persona="p1")
    token = csrf_token_of(client.get("/activate").get_data(as_text=True))
    response = client.post("/activate/decline", data={"csrf_token": token}, follow_redirects=True)
    assert "未开通个人数字账户，您的信息未被保存" in response.get_data(as_text=True)
    assert residents(wallet_app) == [] and client.get("/activate").status_code == 302


def test_new_terms_version_asks_again_and_keeps_the_activation_time(seeded_idp, client, wallet_app, monkeypatch):
    http = requests.Session()
    log_in(client, "p3", http=http)
    activated = residents(wallet_app)[0].activated_at
    client.post("/logout", data={"csrf_token": csrf_token_of(client.get("/").get_data(as_text=True))})
    monkeypatch.setitem(wallet_app.config, "TERMS_VERSION", "2027-01")

    assert back_from_stub(client, "/login", persona="p3").headers["Location"] == "/activate"
    assert "账户条款已更新" in client.get("/activate").get_data(as_text=True)
    assert signed_in_user_id(client) is None
    accept_terms(client)
    [resident] = residents(wallet_app)
    assert resident.terms_version == "2027-01" and resident.activated_at == activated


def test_login_returns_to_the_page_it_started_from_and_never_elsewhere(seeded_idp, client):
    assert back_from_stub(client, "/login?next=/import", persona="p4").headers["Location"] == "/activate"
    assert accept_terms(client).headers["Location"] == "/import"


@pytest.mark.parametrize("target", ["//evil.example.com/x", "https://evil.example.com/", "/\\evil.example.com"])
def test_login_ignores_a_next_that_leaves_the_wallet(seeded_idp, client, target):
    log_in(client, "p5")
    assert client.get("/login", query_string={"next": target}).headers["Location"] == "/"


def test_an_expired_pending_activation_must_log_in_again(seeded_idp, client, wallet_app, monkeypatch):
    back_from_stub(client, "/login", persona="p1")
    token = csrf_token_of(client.get("/activate").get_data(as_text=True))
    monkeypatch.setattr("wallet.auth.pending.LIFETIME", -1)
    response = client.post("/activate", data={"csrf_token": token, "accept": "yes"})
    assert response.status_code == 400 and "开通请求已过期" in response.get_data(as_text=True)
    with wallet_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resident)) == 0
