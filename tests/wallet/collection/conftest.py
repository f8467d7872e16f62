"""A resident with an activated account, a seeded network, and the wallet's client of it."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from common.personas import load_personas
from fiscal_stub.demo import issue_demo_bill, seed_demo
from wallet.auth.identity import VerifiedIdentity
from wallet.auth.accounts import activate_account
from wallet.clients.fiscal import FiscalClient
from wallet.services.signatures import keyring
from wallet.worker import Worker


@dataclass
class Network:
    """The fiscal network as tests drive it: over its HTTP API, like an issuer or a unit would."""

    url: str
    app: Any

    @property
    def api(self) -> str:
        return f"{self.url}/fiscal/api/v1"

    def issue(self, persona_key: str = "p1", **kwargs: Any) -> dict[str, Any]:
        person = persona(persona_key)
        with self.app.app_context():
            return issue_demo_bill(person.id_number, person.name, **kwargs)

    def faults(self, **faults: Any) -> None:
        requests.post(f"{self.api}/_faults", json=faults, timeout=10).raise_for_status()

    def clear_faults(self) -> None:
        requests.delete(f"{self.api}/_faults", timeout=10).raise_for_status()

    def platform(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": "Bearer dev-only-platform-token-nm"}
        return requests.request(method, f"{self.api}{path}", headers=headers, timeout=10, **kwargs)

    def payer_bill_count(self, persona_key: str = "p1") -> int:
        total, cursor = 0, None
        while True:
            body = self.platform("POST", "/payer-bills", json={"id_number": persona(persona_key).id_number,
                                                               "cursor": cursor, "limit": 1000}).json()
            total += len(body["bills"])
            cursor = body["next_cursor"]
            if not body["has_more"]:
                return total


def persona(key: str):  # type: ignore[no-untyped-def]
    return next(p for p in load_personas() if p.key == key)


@pytest.fixture
def network(system, fiscal_app) -> Iterator[Network]:
    with fiscal_app.app_context():
        seed_demo(personas=["p1", "p2"], bills_per_person=12)
    net = Network(system.url, fiscal_app)
    net.issue("p1", province="11", type_key="medical_inpatient", amount=1288000)
    yield net
    net.clear_faults()
    keyring.clear()


def activate(wallet_app, persona_key: str) -> int:
    p = persona(persona_key)
    with wallet_app.app_context():
        identity = VerifiedIdentity(sub=f"sub-{p.key}", name=p.name, id_number=p.id_number,
                                    acr="urn:mengsuban:loa:2", auth_time=0, id_token="")
        return activate_account(identity, "2026-01").id


@pytest.fixture
def resident_id(wallet_app) -> int:
    return activate(wallet_app, "p1")


@pytest.fixture
def fiscal_client(system) -> FiscalClient:
    return FiscalClient(f"{system.url}/fiscal/api/v1", "dev-only-platform-token-nm", timeout=5,
                        retries=1, backoff=0.05)


@pytest.fixture
def running_worker(wallet_app, network) -> Iterator[Worker]:
    """The collection worker in a thread, as ``flask wallet work`` runs it in its own process."""
    worker = Worker(wallet_app, poll_seconds=0.1)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    yield worker
    stop.set()
    thread.join(timeout=10)
