"""Every way a login can be wrong is refused with a clear message, and no session or account is created."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc.jwk import ECKey
from sqlalchemy import func, select

from common.checksums import resident_id_check_char
from identity_stub.extensions import db as idp_db
from identity_stub.models import Person
from identity_stub.seed import subject_for
from tests.conftest import csrf_token_of
from tests.identity_stub.pages import redirect_target, through_stub
from tests.wallet.auth.flows import back_from_stub, local, signed_in_user_id
from wallet import create_app
from wallet.auth.identity import identity_from_claims
from wallet.extensions import db
from wallet.models import Resident
from wallet.refusals import Refusal


def resident_count(wallet_app) -> int:
    with wallet_app.app_context():
        return db.session.execute(select(func.count()).select_from(Resident)).scalar_one()


def assert_refused(response, status: int, words: str, client, wallet_app) -> None:
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert "Location" not in response.headers
    assert signed_in_user_id(client) is None
    assert resident_count(wallet_app) == 0


def callback_url(client) -> str:
    """Go through the stub and return the wallet callback URL, without calling it."""
    begun = client.get("/login")
    return local(redirect_target(through_stub(requests.Session(), begun.headers["Location"])))


def with_params(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    params: dict[str, str | None] = {k: v[0] for k, v in parse_qs(parts.query).items()}
    params.update(changes)
    return f"{parts.path}?{urlencode({k: v for k, v in params.items() if v is not None})}"


@pytest.mark.parametrize("state", ["someone-elses-state", None])
def test_state_mismatch_is_refused(seeded_idp, client, wallet_app, state):
    response = client.get(with_params(callback_url(client), state=state))
    assert_refused(response, 400, "登录请求已失效或来源无法确认", client, wallet_app)


def test_callback_replayed_after_use_is_refused(seeded_idp, client, wallet_app):
    url = callback_url(client)
    assert client.get(url).headers["Location"] == "/activate"
    client.post("/activate/decline", data={"csrf_token": csrf_token_of(client.get("/activate").get_data(as_text=True))})
    assert_refused(client.get(url), 400, "登录请求已失效", client, wallet_app)


def test_code_injected_from_another_login_is_refused(seeded_idp, client, wallet_app):
    stolen = parse_qs(urlsplit(callback_url(client)).query)["code"][0]
    own = callback_url(client)
    assert_refused(client.get(with_params(own, code=stolen)), 400, "登录凭证兑换失败", client, wallet_app)


def test_expired_id_token_is_refused(seeded_idp, client, wallet_app, monkeypatch):
    monkeypatch.setitem(seeded_idp.config, "ID_TOKEN_LIFETIME", -300)
    assert_refused(back_from_stub(client, "/login"), 401, "登录凭证已过期", client, wallet_app)


def test_id_token_signed_with_a_key_the_provider_never_published_is_refused(
    seeded_idp, client, wallet_app, monkeypatch
):
    rogue = ECKey.generate_key("P-256", private=True)
    monkeypatch.setattr("identity_stub.server.private_jwk", lambda row: rogue)
    assert_refused(back_from_stub(client, "/login"), 401, "登录凭证未通过验证", client, wallet_app)


def test_id_token_from_another_issuer_is_refused(seeded_idp, client, wallet_app, monkeypatch):
    begun = client.get("/login")
    monkeypatch.setitem(seeded_idp.config, "ISSUER", "https://impostor.example.com/idp")
    returned = through_stub(requests.Session(), begun.headers["Location"])
    assert_refused(client.get(local(redirect_target(returned))), 401, "登录凭证未通过验证", client, wallet_app)


def add_person_with_id(idp_app, key: str, id_number: str, phone: str) -> None:
    """A person whose registry entry is corrupt: the stub's own seeding would refuse them."""
    with idp_app.app_context():
        idp_db.session.add(
            Person(
                sub=subject_for(id_number),
                name="测试人",
                id_number=id_number,
                phone=phone,
                birthdate=date(1990, 1, 1),
                gender="M",
                persona_key=key,
            )
        )
        idp_db.session.commit()


@pytest.mark.parametrize(
    ("id_number", "words"),
    [
        ("15010219860314110" + "1", "身份证号码校验位不正确"),
        ("15010219860230111" + resident_id_check_char("15010219860230111"), "身份证号码中的出生日期不存在"),
    ],
)
def test_id_number_failing_gb11643_is_refused(seeded_idp, client, wallet_app, id_number, words):
    add_person_with_id(seeded_idp, "zz", id_number, "13900000001")
    response = back_from_stub(client, "/login", persona="zz")
    assert_refused(response, 422, words, client, wallet_app)
    assert "无法登录" in response.get_data(as_text=True)


def test_person_who_declines_at_the_provider_is_not_logged_in(seeded_idp, client, wallet_app):
    response = back_from_stub(client, "/login", consent="deny")
    assert_refused(response, 403, "您已取消蒙速办授权", client, wallet_app)


def test_unreachable_provider_is_explained(seeded_idp, wallet_app):
    dead = create_app(
        {
            **{k: wallet_app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "WALLET_BASE_URL")},
            "APP_ENV": "test",
            "OIDC_DISCOVERY_URL": "http://127.0.0.1:9/idp/.well-known/openid-configuration",
        }
    )
    response = dead.test_client().get("/login")
    assert response.status_code == 502 and "蒙速办登录服务暂时无法访问" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "claims", [{"sub": "s1"}, {"sub": "s1", "name": "乌日娜"}, {"sub": "s1", "id_number": "15010219860314110X"}]
)
def test_token_without_name_and_id_number_cannot_open_an_account(claims):
    with pytest.raises(Refusal) as refused:
        identity_from_claims(claims, "token")
    assert refused.value.status == 422 and "未提供姓名和身份证号码" in refused.value.message
