"""Web Push end to end on the server side: the resident's page hands over a subscription, delivery
queues the reminder, the sender signs and encrypts it for a push service stand-in that checks
both for real; gone and unreachable subscriptions are dropped; two senders push a message once."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import func, select

from tests.conftest import csrf_token_of
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.push_service import PushService, Subscriber, push_service
from tests.wallet.auth.flows import log_in
from tests.wallet.reminders.making import NOW, bill, days, remind_at
from wallet.extensions import db
from wallet.models import PushMessage, PushSubscription
from wallet.services import web_push


@pytest.fixture
def service(wallet_app, monkeypatch) -> Iterator[PushService]:
    monkeypatch.setitem(wallet_app.config, "PUSH_ALLOWED_HOSTS", "127.0.0.1")
    with push_service() as running:
        yield running


def subscribed(rid: int, sub: Subscriber) -> None:
    web_push.subscribe(rid, sub.endpoint, sub.p256dh, sub.auth)


def test_a_reminder_reaches_the_push_service_signed_and_encrypted(rid, service):
    sub = service.subscribe()
    subscribed(rid, sub)
    b = bill(rid, NOW - days(365) + days(20))
    assert remind_at(NOW) == 1
    assert web_push.send_due(NOW) == 1
    assert service.refused == [] and len(service.received) == 1
    path, plaintext = service.received[0]
    payload = json.loads(plaintext)
    assert sub.endpoint.endswith(path)
    assert payload["title"] == "报销时限将到" and "还剩 20 天" in payload["body"]
    assert payload["url"] == f"/authorize?bill={b}" and payload["tag"].startswith("n")
    [claims] = service.claims
    assert claims["aud"] == service.url and claims["sub"] == "mailto:push-operator@wallet.invalid"
    assert db.session.scalar(select(PushMessage.state)) == "sent"
    assert web_push.send_due(NOW) == 0 and len(service.received) == 1


def test_no_subscription_queues_nothing(rid):
    bill(rid, NOW - days(365) + days(20))
    assert remind_at(NOW) == 1 and db.session.scalar(select(func.count(PushMessage.id))) == 0


def test_a_subscription_the_push_service_forgot_is_removed(rid, service):
    kept, forgotten = service.subscribe(), service.subscribe()
    subscribed(rid, kept)
    subscribed(rid, forgotten)
    service.gone.add(forgotten.endpoint.removeprefix(service.url))
    bill(rid, NOW - days(365) + days(20))
    remind_at(NOW)
    assert web_push.send_due(NOW) == 1
    db.session.expire_all()
    assert list(db.session.scalars(select(PushSubscription.endpoint))) == [kept.endpoint]


def test_an_endpoint_at_a_private_address_is_never_called_and_is_dropped(rid, wallet_app, monkeypatch):
    monkeypatch.setitem(wallet_app.config, "PUSH_ALLOWED_HOSTS", "")
    sub = Subscriber("http://10.1.2.3/push/abc")
    subscribed(rid, sub)
    bill(rid, NOW - days(365) + days(20))
    remind_at(NOW)
    assert web_push.send_due(NOW) == 0
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0
    assert db.session.scalar(select(PushMessage.state)) == "failed"


def test_two_senders_push_each_message_once(rid, service, wallet_app):
    subscribed(rid, service.subscribe())
    web_push_rows = [
        PushMessage(resident_id=rid, payload=json.dumps({"title": f"t{i}"}), state="due") for i in range(6)
    ]
    db.session.add_all(web_push_rows)
    db.session.commit()
    start = threading.Barrier(2)

    def send() -> None:
        with wallet_app.app_context():
            start.wait()
            web_push.send_due(NOW)
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    titles = sorted(json.loads(text)["title"] for _, text in service.received)
    assert titles == [f"t{i}" for i in range(6)]


# -- the page's side: subscribing and unsubscribing over HTTP -------------------------------------


def subscriptions(wallet_app) -> int:
    with wallet_app.app_context():
        return db.session.scalar(select(func.count(PushSubscription.id))) or 0


@pytest.fixture
def page_client(client, seeded_idp, wallet_app):  # noqa: F811
    """p1 signed in on the test client (its requests push their own app context: no ``ctx`` here)."""
    log_in(client, "p1", http=requests.Session())
    token = csrf_token_of(client.get("/reminders/settings").get_data(as_text=True))
    return client, {"X-CSRFToken": token}


def test_the_page_hands_over_a_subscription_and_takes_it_back(page_client, wallet_app):
    client, csrf = page_client
    sub = Subscriber("https://push.example.org/send/abc123")
    body = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
    assert client.post("/push/subscriptions", json=body).status_code == 400  # no CSRF token
    reply = client.post("/push/subscriptions", json=body, headers=csrf)
    assert reply.status_code == 201 and reply.get_json()["message"] == "已开启推送提醒。"
    assert client.post("/push/subscriptions", json=body, headers=csrf).status_code == 201
    assert subscriptions(wallet_app) == 1
    assert "您已在设备上开启推送提醒" in client.get("/reminders/settings").get_data(as_text=True)
    gone = client.post("/push/subscriptions/remove", json={"endpoint": sub.endpoint}, headers=csrf)
    assert gone.status_code == 200 and subscriptions(wallet_app) == 0


@pytest.mark.parametrize(
    "body",
    [
        None,
        {"endpoint": "https://push.example.org/x"},
        {"endpoint": "ftp://push.example.org/x", "keys": {"p256dh": "x", "auth": "y"}},
        {"endpoint": "https://push.example.org/x", "keys": {"p256dh": "bm90IGEga2V5", "auth": "c2hvcnQ"}},
        {"endpoint": "https://push.example.org/" + "x" * 600, "keys": {"p256dh": "x", "auth": "y"}},
        {"endpoint": 5, "keys": []},
    ],
    ids=["not json", "no keys", "not https", "keys not p-256", "endpoint too long", "wrong types"],
)
def test_a_bad_subscription_is_refused_in_chinese_and_stores_nothing(page_client, wallet_app, body):
    client, csrf = page_client
    reply = client.post(
        "/push/subscriptions",
        data="nonsense" if body is None else json.dumps(body),
        headers={**csrf, "Content-Type": "application/json"},
    )
    assert reply.status_code == 400 and "推送" in reply.get_json()["message"]
    assert subscriptions(wallet_app) == 0
