"""The ``family`` claim counts only inside 蒙速办's verified ID token of the signed-in resident, and is checked."""

from __future__ import annotations

import base64
import json
from datetime import date
from urllib.parse import urljoin

import pytest
import requests
from joserfc.jwk import ECKey

from tests.identity_stub.pages import redirect_target, through_stub
from tests.wallet.authorization.fixtures import resident_http_login
from tests.wallet.family.helpers import ELDEST, YOUNGEST, family_round_trip, words
from wallet.auth.family_claim import attested_family
from wallet.auth.provider import ProviderApp
from wallet.extensions import db
from wallet.models import FamilyLink
from wallet.refusals import Refusal

SPOUSE = {"id_number": "150402199105278550", "name": "巴特尔"}


def child(person, **changes) -> dict[str, str]:
    return {"id_number": person.id_number, "name": person.name, "birthdate": person.birthdate, **changes}


def test_minor_children_and_the_spouse_are_read_from_the_claim():
    claims = {"family": {"children": [child(ELDEST), child(YOUNGEST)], "spouse": SPOUSE}}
    family = attested_family(claims, date(2026, 12, 7))
    assert [c.name for c in family.children] == ["其其格", "阿古拉"]
    assert family.spouse is not None and family.spouse.masked_name == "巴*尔"


def test_a_child_of_age_by_the_wallets_own_clock_is_left_out():
    family = attested_family({"family": {"children": [child(ELDEST), child(YOUNGEST)]}}, date(2033, 6, 10))
    assert [c.name for c in family.children] == ["阿古拉"]


@pytest.mark.parametrize(
    "claims",
    [
        {"family": {"children": [child(ELDEST, id_number="150102201506102227")]}},  # check digit wrong
        {"family": {"children": [child(ELDEST, birthdate="2014-06-10")]}},  # not the ID number's birth date
        {"family": {"children": [child(ELDEST, name="")]}},
        {"family": {"children": ["150102201506102226"]}},
        {"family": {"children": [], "spouse": {"id_number": "x", "name": "巴特尔"}}},
    ],
)
def test_a_malformed_claim_is_refused(claims):
    with pytest.raises(Refusal) as refused:
        attested_family(claims, date(2026, 12, 7))
    assert refused.value.status == 422


def test_a_token_without_the_claim_is_refused():
    with pytest.raises(Refusal, match="没有提供家庭成员信息"):
        attested_family({"sub": "x"}, date(2026, 12, 7))


def links(wallet_app) -> int:
    with wallet_app.app_context():
        return len(db.session.scalars(db.select(FamilyLink)).all())


def assert_refused(http, base, back, wallet_app) -> None:
    assert back.status_code == 401 and "未通过验证" in back.text
    page = words(http.get(f"{base}/family", timeout=10).text)
    assert "蒙速办证明的家庭成员" not in page and "子女 其*格" not in page
    assert links(wallet_app) == 0


def test_a_family_claim_signed_with_a_key_the_provider_never_published_is_refused(
    system, seeded_idp, wallet_app, demo_units, monkeypatch
):
    http = resident_http_login(system.url, "p1", face=False)
    rogue = ECKey.generate_key("P-256", private=True)
    monkeypatch.setattr("identity_stub.server.private_jwk", lambda row: rogue)
    assert_refused(http, system.url, family_round_trip(http, system.url), wallet_app)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("forgery", ["added_child", "unsigned"])
def test_a_family_claim_altered_or_unsigned_on_its_way_is_refused(
    system, seeded_idp, wallet_app, demo_units, monkeypatch, forgery
):
    """Someone between the provider and the wallet adds a child to the signed token, or drops the signature."""
    http = resident_http_login(system.url, "p1", face=False)
    original = ProviderApp.fetch_access_token

    def forged(self, *args, **kwargs):
        token = original(self, *args, **kwargs)
        header, payload, signature = token["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        stranger = {"id_number": "15010220200101001X", "name": "冒名", "birthdate": "2020-01-01"}
        claims["family"]["children"].append(stranger)
        if forgery == "unsigned":
            token["id_token"] = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
        else:
            token["id_token"] = f"{header}.{b64(claims)}.{signature}"
        return token

    monkeypatch.setattr(ProviderApp, "fetch_access_token", forged)
    assert_refused(http, system.url, family_round_trip(http, system.url), wallet_app)


def test_the_claim_of_another_persons_token_is_not_believed(system, seeded_idp, wallet_app, demo_units):
    """Signed in as 王建国 but the provider's session is 乌日娜's: the subject differs, nothing is offered."""
    http = resident_http_login(system.url, "p2", face=False)
    start = http.get(f"{system.url}/family/add", allow_redirects=False, timeout=10)
    at_stub = requests.Session()  # another browser's provider session: 乌日娜's
    returned = through_stub(at_stub, urljoin(system.url, start.headers["Location"]), persona="p1")
    back = http.get(redirect_target(returned), allow_redirects=False, timeout=10)
    assert back.status_code == 403 and "不一致" in back.text
    assert links(wallet_app) == 0
