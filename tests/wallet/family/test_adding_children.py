"""A guardian adds a child with one confirmation after 蒙速办 attests it, and collects the child's bills."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import csrf_token_of
from tests.support.tokens import plain
from tests.wallet.authorization.fixtures import resident_http_login
from tests.wallet.family.helpers import (
    ELDEST,
    YOUNGEST,
    add_child,
    bill_ids,
    family_round_trip,
    issue_to_child,
    member_id,
    words,
)
from wallet.extensions import db
from wallet.identity_lookup import id_number_of
from wallet.models import FamilyLink, Resident, SyncState
from wallet.services.collection_jobs import work_once


def test_a_guardian_adds_a_child_whose_bills_are_collected_into_the_childs_tab(
    system, seeded_idp, wallet_app, fiscal_app, fiscal_client, demo_units
):
    guardian = resident_http_login(system.url, "p1", face=False)
    issued = issue_to_child(fiscal_app, ELDEST, type_key="medical_outpatient", amount=18800)
    added = add_child(guardian, system.url, index=0)
    child = member_id(wallet_app, ELDEST.id_number)
    assert added.status_code == 303 and added.headers["Location"] == f"/family/{child}/"
    with wallet_app.app_context():
        row = db.session.get_one(Resident, child)
        assert row.is_held and row.terms_version == "" and row.oidc_sub.startswith("held:")
        link = db.session.scalars(select(FamilyLink).where(FamilyLink.member_id == child)).one()
        assert (link.relation, link.ends_on.isoformat()) == ("child", "2033-06-10")
        assert db.session.get_one(SyncState, child).state == "queued"
        # The first collection runs like any other: the collection worker, payer = the child's ID number.
        while work_once("test-worker", id_number_of, fiscal_client):  # the guardian's own sync, and the child's
            pass
    tab = guardian.get(f"{system.url}/family/{child}/", timeout=10)
    assert tab.status_code == 200
    text = plain(tab.text)
    assert "其*格的票据" in text and "正在代管" in text and "监护人" in text
    assert f"{issued['code']}" not in plain(guardian.get(f"{system.url}/", timeout=10).text)
    (bill,) = bill_ids(wallet_app, child)
    assert f'href="/family/{child}/bills/{bill}"' in tab.text
    detail = guardian.get(f"{system.url}/family/{child}/bills/{bill}", timeout=10)
    assert detail.status_code == 200 and issued["number"] in plain(detail.text)


def test_confirming_twice_or_for_the_other_child_keeps_one_link_each(system, seeded_idp, wallet_app, demo_units):
    guardian = resident_http_login(system.url, "p1", face=False)
    add_child(guardian, system.url, index=0)
    add_child(guardian, system.url, index=0)
    add_child(guardian, system.url, index=1)
    with wallet_app.app_context():
        links = db.session.scalar(select(func.count()).select_from(FamilyLink).where(FamilyLink.open_key.is_not(None)))
    assert links == 2
    assert member_id(wallet_app, YOUNGEST.id_number) != member_id(wallet_app, ELDEST.id_number)


def test_the_second_guardian_finds_the_same_held_wallet(system, seeded_idp, wallet_app, demo_units):
    add_child(resident_http_login(system.url, "p1", face=False), system.url)
    add_child(resident_http_login(system.url, "p3", face=False), system.url)
    with wallet_app.app_context():
        held = db.session.scalar(select(func.count()).select_from(Resident).where(Resident.held_since.is_not(None)))
        guardians = set(db.session.scalars(select(FamilyLink.resident_id).where(FamilyLink.relation == "child")))
    assert held == 1 and len(guardians) == 2


def test_the_attested_family_is_offered_only_to_the_resident_it_was_attested_to(system, seeded_idp, demo_units):
    guardian = resident_http_login(system.url, "p1", face=False)
    back = family_round_trip(guardian, system.url)
    assert back.headers["Location"] == "/family"
    page = words(guardian.get(f"{system.url}/family", timeout=10).text)
    assert "子女 其*格" in page and "子女 阿*拉" in page and "配偶 巴*尔" in page
    other = resident_http_login(system.url, "p2", face=False)
    refused = other.post(
        f"{system.url}/family/children",
        data={"csrf_token": csrf_token_of(other.get(f"{system.url}/family", timeout=10).text), "child": "0"},
        allow_redirects=False,
        timeout=10,
    )
    assert refused.status_code == 400 and "已过期" in refused.text
