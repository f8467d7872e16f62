"""Platforms collect a payer's bills by cursor and follow the change feed without losing anything."""

from __future__ import annotations

from fiscal_stub.demo import persona_people, seed_people
from tests.fiscal_stub.conftest import BEIJING_TOKEN, ISSUER_TOKEN, WANG, WURINA


def sync(network, id_number: str, cursor: str | None = None, limit: int = 100) -> dict:
    response = network.post("/payer-bills", {"id_number": id_number, "cursor": cursor, "limit": limit})
    assert response.status_code == 200, response.text
    return response.json()


def test_paging_returns_each_bill_once_in_a_stable_order(network):
    with network.app.app_context():
        seed_people(persona_people(["p1", "p2"]), 12)
    seen, cursor, pages = [], None, 0
    while True:
        page = sync(network, WURINA[0], cursor, limit=5)
        seen += [(b["code"], b["number"]) for b in page["bills"]]
        cursor, pages = page["next_cursor"], pages + 1
        if not page["has_more"]:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 12
    assert [(b["code"], b["number"]) for b in sync(network, WURINA[0])["bills"]] == seen
    assert all(b["version"] >= 1 for b in sync(network, WURINA[0])["bills"])


def test_second_sync_returns_only_new_and_changed_bills(network):
    first = network.issue(amount=1000)
    second = network.issue(amount=2000)
    network.issue(*WANG, amount=3000)
    start = sync(network, WURINA[0])
    assert [b["number"] for b in start["bills"]] == [first["number"], second["number"]]
    assert sync(network, WURINA[0], start["next_cursor"]) == {
        "ok": True,
        "bills": [],
        "has_more": False,
        "next_cursor": start["next_cursor"],
    }
    network.lock(first, "UNIT-A")
    third = network.issue(amount=4000)
    later = sync(network, WURINA[0], start["next_cursor"])
    assert [(b["number"], b["status"]["reimbursement"]) for b in later["bills"]] == [
        (first["number"], "locked"),
        (third["number"], "unreimbursed"),
    ]


def test_subscribing_is_idempotent(network):
    body = {"id_number": WURINA[0]}
    assert network.post("/subscriptions", body).json() == {"ok": True, "subscribed": True, "created": True}
    assert network.post("/subscriptions", body).json()["created"] is False


def follow(network, cursor: str | None = None, token: str | None = None) -> dict:
    response = network.get("/feed", token=token, params={"cursor": cursor or "", "limit": 100})
    assert response.status_code == 200, response.text
    return response.json()


def test_feed_carries_issue_and_every_status_change_of_subscribed_payers(network):
    network.post("/subscriptions", {"id_number": WURINA[0]})
    bill = network.issue(amount=10000, type_key="exam_fee")
    network.issue(*WANG, amount=500)
    network.lock(bill, "UNIT-A")
    network.feedback(bill, "UNIT-A", "S1", 4000)
    feed = follow(network)
    assert [e["type"] for e in feed["events"]] == ["issued", "locked", "feedback"]
    issued, locked, fed = feed["events"]
    assert issued["bill"]["canonical"] == bill["canonical"] and issued["id_number"] == WURINA[0]
    assert [e["version"] for e in feed["events"]] == [1, 2, 3]
    assert locked["status"]["locked_by"]["unit_code"] == "UNIT-A"
    assert (fed["status"]["reimbursement"], fed["status"]["reimbursed_amount"]) == ("partially_reimbursed", 4000)
    assert len({e["id"] for e in feed["events"]}) == 3 and feed["events"][0]["id"] < feed["events"][-1]["id"]


def test_feed_resumes_from_the_cursor_without_loss(network):
    network.post("/subscriptions", {"id_number": WURINA[0]})
    bill = network.issue()
    cursor = follow(network)["next_cursor"]
    network.lock(bill, "UNIT-A")
    network.post(f"/bills/{bill['code']}/{bill['number']}/unlock", {"unit_code": "UNIT-A"})
    red = network.post(f"/issuer/bills/{bill['code']}/{bill['number']}/red-reverse", {}, token=ISSUER_TOKEN).json()
    caught_up = follow(network, cursor)
    assert [e["type"] for e in caught_up["events"]] == ["locked", "unlocked", "issued", "red_reversed"]
    assert caught_up["events"][2]["bill"]["code"] == red["red_bill"]["code"]
    assert follow(network, caught_up["next_cursor"])["events"] == []


def test_feed_is_per_platform(network):
    network.post("/subscriptions", {"id_number": WURINA[0]})
    network.post("/subscriptions", {"id_number": WANG[0]}, token=BEIJING_TOKEN)
    network.issue(amount=100)
    network.issue(*WANG, amount=200)
    assert [e["id_number"] for e in follow(network)["events"]] == [WURINA[0]]
    assert [e["id_number"] for e in follow(network, token=BEIJING_TOKEN)["events"]] == [WANG[0]]


def test_feed_pages_by_limit(network):
    network.post("/subscriptions", {"id_number": WURINA[0]})
    for amount in (100, 200, 300):
        network.issue(amount=amount)
    first = network.get("/feed", params={"limit": 2}).json()
    assert len(first["events"]) == 2 and first["has_more"] is True
    rest = network.get("/feed", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(rest["events"]) == 1 and rest["has_more"] is False


def test_cursors_from_another_endpoint_are_refused(network):
    start = sync(network, WURINA[0])
    response = network.get("/feed", params={"cursor": start["next_cursor"]})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_cursor")
