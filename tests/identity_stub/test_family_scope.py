"""The ``family`` scope: minor children and spouse from the household records, inside the signed ID token."""

from __future__ import annotations

from datetime import date

import jwt
import pytest
import requests
from sqlalchemy import select

from common.adulthood import coming_of_age, is_minor
from identity_stub.extensions import db
from identity_stub.family import family_claim
from identity_stub.models import Person
from tests.identity_stub.client import SCOPE, Relying
from tests.identity_stub.pages import redirect_target, through_stub


def signed_claims(rp: Relying, scope: str, persona: str = "p1") -> dict:
    """Log in as ``persona`` asking for ``scope``; the ID token's claims, its signature checked."""
    url = rp.authorize_url(scope=scope)
    back = redirect_target(through_stub(requests.Session(), url, persona=persona))
    code = back.split("code=")[1].split("&")[0]
    token = rp.redeem(code).json()["id_token"]
    key = jwt.PyJWKClient(f"{rp.base}/idp/jwks.json").get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["ES256", "RS256"], audience=rp.client_id)


def test_a_guardian_asking_for_family_gets_both_minor_children_and_the_spouse_signed(rp):
    claims = signed_claims(rp, f"{SCOPE} family")
    family = claims["family"]
    assert [(c["name"], c["id_number"], c["birthdate"]) for c in family["children"]] == [
        ("其其格", "150102201506102226", "2015-06-10"),
        ("阿古拉", "150102201909231030", "2019-09-23"),
    ]
    assert family["spouse"] == {"id_number": "150402199105278550", "name": "巴特尔"}


def test_the_other_guardian_is_attested_the_same_children(rp):
    family = signed_claims(rp, f"{SCOPE} family", persona="p3")["family"]
    assert [c["id_number"] for c in family["children"]] == ["150102201506102226", "150102201909231030"]
    assert family["spouse"]["name"] == "乌日娜"


def test_without_the_scope_no_family_is_told(rp):
    assert "family" not in signed_claims(rp, SCOPE)


def test_a_person_without_a_household_gets_an_empty_family(rp):
    family = signed_claims(rp, f"{SCOPE} family", persona="p2")["family"]
    assert family["children"] == [] and family["spouse"] is None


def test_a_child_who_has_come_of_age_is_no_longer_attested(seeded_idp):
    with seeded_idp.app_context():
        mother = db.session.scalar(select(Person).where(Person.persona_key == "p1"))
        eldest = date(2015, 6, 10)
        before = family_claim(mother, coming_of_age(eldest).replace(day=9))
        on_the_day = family_claim(mother, coming_of_age(eldest))
    assert len(before["children"]) == 2
    assert [c["name"] for c in on_the_day["children"]] == ["阿古拉"]


@pytest.mark.parametrize(
    ("born", "of_age"),
    [
        (date(2015, 6, 10), date(2033, 6, 10)),
        (date(2008, 2, 29), date(2026, 3, 1)),
        (date(2012, 2, 29), date(2030, 3, 1)),
    ],
)
def test_coming_of_age_is_the_eighteenth_birthday_and_29_february_moves_to_1_march(born, of_age):
    assert coming_of_age(born) == of_age
    assert is_minor(born, date.fromordinal(of_age.toordinal() - 1)) and not is_minor(born, of_age)
