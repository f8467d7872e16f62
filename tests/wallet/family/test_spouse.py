"""Spouses link only when both confirm, and each sees only what the other chose to share, read-only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.support.network import persona
from tests.wallet.authorization.fixtures import collect, resident_http_login
from tests.wallet.family.helpers import bill_ids, family_round_trip, member_id, words
from wallet.extensions import db
from wallet.models import AccessEvent, FamilyLink, Resident
from wallet.services import family


def post(http, url: str, path: str, **data: str):
    token = csrf_token_of(http.get(f"{url}/family", timeout=10).text)
    return http.post(f"{url}{path}", data={"csrf_token": token, **data}, allow_redirects=False, timeout=10)


@pytest.fixture
def couple(system, seeded_idp, network, wallet_app, fiscal_app, fiscal_client, demo_units):
    """乌日娜 asks 巴特尔 (attested spouse); both have wallets with bills."""
    url = system.url
    wife, husband = resident_http_login(url, "p1", face=False), resident_http_login(url, "p3", face=False)
    network.issue("p3", type_key="medical_outpatient", amount=32100)
    network.issue("p3", type_key="medical_inpatient", amount=1_288_000)
    collect(wallet_app, fiscal_client, "p3")
    family_round_trip(wife, url)
    asked = post(wife, url, "/family/spouse")
    assert asked.status_code == 303
    ids = {k: member_id(wallet_app, persona(k).id_number) for k in ("p1", "p3")}
    with wallet_app.app_context():
        link = db.session.scalars(select(FamilyLink).where(FamilyLink.relation == "spouse")).one()
    return {"url": url, "wife": wife, "husband": husband, "link": link.id, **ids}


def test_the_asked_spouse_must_confirm_before_anything_is_shown(couple, wallet_app):
    url, wife, husband = couple["url"], couple["wife"], couple["husband"]
    assert wife.get(f"{url}/family/{couple['p3']}/shared", timeout=10).status_code == 404
    assert "等待对方确认" in words(wife.get(f"{url}/family", timeout=10).text)
    # Only the asked one can confirm: the asker's own "confirmation" is refused.
    assert post(wife, url, f"/family/links/{couple['link']}/answer", answer="accept").status_code == 404
    assert "乌*娜 请求与您关联为配偶" in words(husband.get(f"{url}/family", timeout=10).text)
    assert post(husband, url, f"/family/links/{couple['link']}/answer", answer="accept").status_code == 303
    shared = wife.get(f"{url}/family/{couple['p3']}/shared", timeout=10)
    assert shared.status_code == 200 and "对方还没有共享票据" in shared.text


def test_a_declined_request_links_nobody(couple):
    url = couple["url"]
    assert post(couple["husband"], url, f"/family/links/{couple['link']}/answer", answer="decline").status_code == 303
    assert couple["wife"].get(f"{url}/family/{couple['p3']}/shared", timeout=10).status_code == 404
    assert couple["husband"].get(f"{url}/family/{couple['p1']}/shared", timeout=10).status_code == 404


def test_each_sees_only_the_bills_the_other_shared_and_only_to_read(couple, wallet_app):
    url, wife, husband = couple["url"], couple["wife"], couple["husband"]
    post(husband, url, f"/family/links/{couple['link']}/answer", answer="accept")
    own = bill_ids(wallet_app, couple["p3"])
    chosen, kept = own[0], own[1:]
    shared = post(husband, url, "/family/shares", link=str(couple["link"]), bill=str(chosen), shared="1")
    assert shared.status_code == 303
    listed = wife.get(f"{url}/family/{couple['p3']}/shared", timeout=10).text
    assert f"/family/{couple['p3']}/bills/{chosen}" in listed
    assert all(f"/bills/{other}" not in listed for other in kept)
    detail = wife.get(f"{url}/family/{couple['p3']}/bills/{chosen}", timeout=10)
    assert detail.status_code == 200 and "授权给报销单位" not in detail.text and "配偶 · 只读" in words(detail.text)
    for other in kept:
        assert wife.get(f"{url}/family/{couple['p3']}/bills/{other}", timeout=10).status_code == 404
    for path in ("/", "/authorizations", "/authorize", "/import", "/access-history"):
        assert wife.get(f"{url}/family/{couple['p3']}{path}", timeout=10).status_code == 404, path
    # The husband's access history names his wife's look at the shared bill.
    with wallet_app.app_context():
        seen = db.session.scalars(select(AccessEvent).where(AccessEvent.resident_id == couple["p3"])).all()
        assert [(e.actor_label, e.kind, e.bill_id) for e in seen] == [("配偶 乌*娜", "family_view", chosen)]
    assert "配偶 乌*娜 查看" in words(husband.get(f"{url}/access-history", timeout=10).text)
    # Nothing flows the other way: she shared nothing.
    mine = bill_ids(wallet_app, couple["p1"])
    if mine:
        assert husband.get(f"{url}/family/{couple['p1']}/bills/{mine[0]}", timeout=10).status_code == 404


def test_a_years_medical_bills_are_shared_at_once_and_either_ends_the_link(couple, wallet_app):
    url, wife, husband = couple["url"], couple["wife"], couple["husband"]
    post(husband, url, f"/family/links/{couple['link']}/answer", answer="accept")
    year = str(family.today().year)
    assert post(husband, url, "/family/shares", link=str(couple["link"]), year=year, shared="1").status_code == 303
    listed = wife.get(f"{url}/family/{couple['p3']}/shared", timeout=10).text
    assert listed.count(f"/family/{couple['p3']}/bills/") == 2
    assert post(wife, url, f"/family/links/{couple['link']}/end").status_code == 303
    assert wife.get(f"{url}/family/{couple['p3']}/shared", timeout=10).status_code == 404
    assert "配偶关联已解除" in words(husband.get(f"{url}/notifications", timeout=10).text)


def test_the_ledger_counts_the_resident_the_children_and_the_spouses_shared_bills(couple, wallet_app):
    url, husband = couple["url"], couple["husband"]
    post(husband, url, f"/family/links/{couple['link']}/answer", answer="accept")
    chosen = bill_ids(wallet_app, couple["p3"])[0]
    post(husband, url, "/family/shares", link=str(couple["link"]), bill=str(chosen), shared="1")
    with wallet_app.app_context():
        wife = db.session.get_one(Resident, couple["p1"])
        holders = family.ledger_holders(wife, family.today())
    assert [(h.label, h.relation, h.bill_ids) for h in holders] == [
        ("本人", "self", None),
        ("巴*尔（配偶共享）", "spouse", frozenset({chosen})),
    ]


def test_a_bills_page_shows_its_sharing_as_it_stands_though_the_page_is_kept(couple, wallet_app):
    """Linking and sharing change no bill, so a kept page of the bill must still show them at once."""
    url, wife, husband = couple["url"], couple["wife"], couple["husband"]
    bill = bill_ids(wallet_app, couple["p3"])[0]

    def shown_twice() -> list[str]:
        """The page as made, then as kept (the first after a message waiting to be flashed is not kept)."""
        return [words(husband.get(f"{url}/bills/{bill}", timeout=10).text) for _ in range(3)][1:]

    assert all("与配偶共享" not in page for page in shown_twice())  # asked, not yet confirmed
    post(husband, url, f"/family/links/{couple['link']}/answer", answer="accept")
    assert all("配偶看不到这张票据" in page for page in shown_twice())
    post(husband, url, "/family/shares", link=str(couple["link"]), bill=str(bill), shared="1")
    assert all("配偶 乌*娜 可以查看这张票据" in page for page in shown_twice())
    post(husband, url, "/family/shares", link=str(couple["link"]), bill=str(bill), shared="0")
    assert all("配偶看不到这张票据" in page for page in shown_twice())
    post(wife, url, f"/family/links/{couple['link']}/end")
    assert all("与配偶共享" not in page for page in shown_twice())
