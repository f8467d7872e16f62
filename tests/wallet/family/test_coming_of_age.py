"""The 18th birthday ends a guardian's link by itself; the bills stay in the child's wallet, which they adopt."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import select

from identity_stub.extensions import db as idp_db
from identity_stub.models import Person
from identity_stub.seed import subject_for
from tests.wallet.auth.flows import accept_terms, back_from_stub
from tests.wallet.authorization.fixtures import resident_http_login
from tests.wallet.family.helpers import ELDEST, add_child, bill_ids, collect_child, issue_to_child, set_today, words
from wallet.auth.sessions import BROWSER, this_browser
from wallet.extensions import db
from wallet.models import FamilyLink, Notification, Resident
from wallet.services import family

BIRTHDAY = date(2033, 6, 10)


@pytest.fixture
def linked(system, seeded_idp, wallet_app, fiscal_app, fiscal_client, demo_units):
    issue_to_child(fiscal_app, ELDEST, type_key="medical_outpatient", amount=12300)
    mother = resident_http_login(system.url, "p1", face=False)
    add_child(mother, system.url)
    child = collect_child(wallet_app, fiscal_client)
    return {"url": system.url, "mother": mother, "child": child, "bill": bill_ids(wallet_app, child)[0]}


def test_the_link_stands_the_day_before_and_ends_on_the_eighteenth_birthday(linked, monkeypatch, wallet_app):
    url, child, mother = linked["url"], linked["child"], linked["mother"]
    set_today(monkeypatch, date(2033, 6, 9))
    assert mother.get(f"{url}/family/{child}/bills/{linked['bill']}", timeout=10).status_code == 200
    set_today(monkeypatch, BIRTHDAY)
    for path in (f"/family/{child}/", f"/family/{child}/bills/{linked['bill']}"):
        ended = mother.get(f"{url}{path}", timeout=10)
        assert ended.status_code == 404
        assert "年满十八周岁" in ended.text and "票据保留在其本人的票据夹中" in ended.text
    # Before the worker has marked anything, the 家人 page no longer offers the child's tab.
    assert "其*格的票据" not in words(mother.get(f"{url}/family", timeout=10).text)


def test_the_worker_marks_due_links_ended_and_tells_the_guardian(linked, monkeypatch, wallet_app):
    with wallet_app.app_context():
        assert family.end_due_links(date(2033, 6, 9)) == 0
        assert family.end_due_links(BIRTHDAY) == 1
        assert family.end_due_links(BIRTHDAY) == 0
        link = db.session.scalars(select(FamilyLink).where(FamilyLink.member_id == linked["child"])).one()
        assert link.open_key is None and link.end_reason == family.CHILD_OF_AGE
        notice = db.session.scalars(select(Notification).where(Notification.kind == "family")).one()
        assert "已年满十八周岁" in notice.body and "票据仍保存在其本人的票据夹中" in notice.body
    page = words(linked["mother"].get(f"{linked['url']}/family", timeout=10).text)
    assert "已结束的关联" in page and "子女已年满十八周岁" in page


def child_logs_in(idp_app, wallet_app) -> FlaskClient:
    """The child, now of age, has a 蒙速办 account and signs in to the wallet for the first time."""
    with idp_app.app_context():
        idp_db.session.add(
            Person(
                sub=subject_for(ELDEST.id_number),
                name=ELDEST.name,
                id_number=ELDEST.id_number,
                phone="13900000018",
                birthdate=date.fromisoformat(ELDEST.birthdate),
                gender="F",
                persona_key="c1",
            )
        )
        idp_db.session.commit()
    client = wallet_app.test_client()
    back = back_from_stub(client, "/login", http=requests.Session(), persona="c1")
    assert back.headers["Location"] == "/activate"
    return client


def test_a_held_wallet_cannot_be_signed_into(linked, wallet_app):
    client = wallet_app.test_client()
    with wallet_app.test_request_context(environ_base=client.environ_base):
        browser = this_browser("resident")  # a forged session, but from this browser: only being held refuses it
    with client.session_transaction() as session:
        session["_user_id"] = f"resident:{linked['child']}"
        session["_fresh"] = True
        session[BROWSER] = browser
    assert "使用蒙速办实名登录" in client.get("/").get_data(as_text=True)
    assert client.get("/bills/1").status_code == 302


def test_the_child_who_activates_a_wallet_finds_the_bills_there(linked, monkeypatch, seeded_idp, wallet_app):
    set_today(monkeypatch, BIRTHDAY)
    client = child_logs_in(seeded_idp, wallet_app)
    page = client.get("/activate").get_data(as_text=True)
    assert "监护人已在票据夹中为您代管票据" in page
    assert accept_terms(client).status_code == 302
    with wallet_app.app_context():
        row = db.session.get_one(Resident, linked["child"])
        assert not row.is_held and row.terms_version and not row.oidc_sub.startswith("held:")
    assert client.get(f"/bills/{linked['bill']}").status_code == 200
    assert linked["mother"].get(f"{linked['url']}/family/{linked['child']}/", timeout=10).status_code == 404
