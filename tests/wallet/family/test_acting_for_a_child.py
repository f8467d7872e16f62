"""A guardian acts on a child's bills as on their own; two guardians share one claim; strangers get 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.wallet.authorization.fixtures import (
    demo_login,
    form_token,
    resident_http_login,
    unit_http_login,
)
from tests.wallet.authorization.test_concurrency import race
from tests.wallet.family.helpers import ELDEST, add_child, bill_ids, collect_child, issue_to_child, words
from wallet.extensions import db
from wallet.models import AccessEvent, Claim

ROUNDS = 3


@pytest.fixture
def household(system, seeded_idp, wallet_app, fiscal_app, fiscal_client, demo_units):
    """Both parents linked to the eldest child (face-verified), the child's bills collected."""
    for _ in range(ROUNDS):
        issue_to_child(fiscal_app, ELDEST, type_key="medical_outpatient", amount=26600)
    mother = resident_http_login(system.url, "p1")
    father = resident_http_login(system.url, "p3")
    add_child(mother, system.url)
    add_child(father, system.url)
    child = collect_child(wallet_app, fiscal_client)
    return {"url": system.url, "mother": mother, "father": father, "child": child, "bills": bill_ids(wallet_app, child)}


def authorize(http, url: str, child: int, unit_id: int, bill_id: int, request_id: str):
    token = form_token(http.get(f"{url}/family/{child}/authorizations", timeout=10).text)
    return http.post(
        f"{url}/family/{child}/authorize/{unit_id}/confirm",
        data={"csrf_token": token, "bill": str(bill_id), "request_id": request_id},
        allow_redirects=False,
        timeout=30,
    )


def test_two_guardians_authorizing_one_bill_at_once_make_one_claim(household, wallet_app, demo_units):
    url, child = household["url"], household["child"]
    for bill in household["bills"]:
        by_mother, by_father = race(
            lambda b=bill: authorize(household["mother"], url, child, demo_units["insurer"], b, f"mother-{b}-race-01"),
            lambda b=bill: authorize(household["father"], url, child, demo_units["agency"], b, f"father-{b}-race-01"),
        )
        assert sorted([by_mother.status_code, by_father.status_code]) == [303, 409]
        loser = by_mother if by_mother.status_code == 409 else by_father
        assert "已授权给" in loser.text or "刚刚已被授权" in loser.text
        with wallet_app.app_context():
            claims = db.session.scalars(select(Claim).where(Claim.bill_id == bill)).all()
            assert len(claims) == 1 and claims[0].resident_id == child and claims[0].state == "authorized"
        # The other guardian sees it, and is held by it the same way.
        for http in (household["mother"], household["father"]):
            page = words(http.get(f"{url}/family/{child}/bills/{bill}", timeout=10).text)
            assert "待单位处理" in page or "已授权" in page
            again = authorize(http, url, child, demo_units["employer"], bill, f"again-{bill}-{id(http)}-01")
            assert again.status_code == 409


def test_a_guardians_actions_are_in_the_childs_access_history(household, wallet_app, demo_units):
    url, child, bill = household["url"], household["child"], household["bills"][0]
    mother, father = household["mother"], household["father"]
    assert mother.get(f"{url}/family/{child}/bills/{bill}", timeout=10).status_code == 200
    assert authorize(father, url, child, demo_units["insurer"], bill, "father-access-history-01").status_code == 303
    with wallet_app.app_context():
        (auth_id,) = db.session.scalars(select(Claim.id).where(Claim.bill_id == bill))
    token = form_token(mother.get(f"{url}/family/{child}/authorizations/{auth_id}/revoke", timeout=10).text)
    revoked = mother.post(
        f"{url}/family/{child}/authorizations/{auth_id}/revoke", data={"csrf_token": token}, allow_redirects=False
    )
    assert revoked.status_code == 303 and revoked.headers["Location"] == f"/family/{child}/authorizations"
    with wallet_app.app_context():
        of_child = select(AccessEvent).where(AccessEvent.resident_id == child).order_by(AccessEvent.id)
        events = db.session.scalars(of_child)
        kinds = [(e.actor_label, e.kind, e.unit_id, e.claim_id) for e in events]
    assert kinds == [
        ("监护人 乌*娜", "family_view", None, None),
        ("监护人 巴*尔", "family_authorize", None, None),
        ("监护人 乌*娜", "family_revoke", None, None),
    ]
    history = words(father.get(f"{url}/family/{child}/access-history", timeout=10).text)
    assert "监护人 乌*娜 查看" in history and "监护人 巴*尔 授权报销" in history and "监护人 乌*娜 撤销授权" in history


def test_another_residents_child_is_404_everywhere(household, system, wallet_app):
    url, child, bill = household["url"], household["child"], household["bills"][0]
    stranger = resident_http_login(url, "p2", face=False)
    paths = (f"/family/{child}/", f"/family/{child}/bills/{bill}", f"/bills/{bill}", f"/family/{child}/authorizations")
    for path in paths:
        assert stranger.get(f"{url}{path}", timeout=10).status_code == 404, path
    # The guardian's own pages do not show the child's bill, and the family URLs reach no other page.
    mother = household["mother"]
    assert mother.get(f"{url}/bills/{bill}", timeout=10).status_code == 404
    assert mother.get(f"{url}/family/{child}/me", timeout=10).status_code == 404
    assert mother.get(f"{url}/family/{child}/me/export", timeout=10).status_code == 404


def test_a_unit_never_sees_the_family_relation(household, system, wallet_app, demo_units):
    url, child, bill = household["url"], household["child"], household["bills"][0]
    made = authorize(household["mother"], url, child, demo_units["insurer"], bill, "mother-unit-view-0001")
    assert made.status_code == 303
    household["mother"].get(f"{url}/family/{child}/bills/{bill}", timeout=10)
    with wallet_app.app_context():
        (claim_id,) = db.session.scalars(select(Claim.id).where(Claim.bill_id == bill))
    insurer = unit_http_login(url, demo_login("insurer"))
    paths = (f"/unit/claims/{claim_id}", "/unit/", "/unit/export.csv")
    pages = [insurer.get(f"{url}{path}", timeout=10).text for path in paths]
    for page in pages:
        for word in ("监护人", "乌日娜", "乌*娜", "巴特尔", "巴*尔", "代管", "家人", "配偶"):
            assert word not in page, word
    assert "其*格" in words(pages[0]) or "其其格" in words(pages[0])
