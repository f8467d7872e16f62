"""Fixtures every wallet test may use: a seeded network, an activated resident, the worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from fiscal_stub.demo import seed_demo
from tests.support.network import PLATFORM_TOKEN, Network, activate
from wallet.clients.fiscal import FiscalClient
from wallet.services.signatures import keyring
from wallet.worker import Worker


@pytest.fixture
def net(system, fiscal_app) -> Iterator[Network]:
    """The network with nothing issued yet; tests issue exactly the bills they need."""
    keyring.clear()
    network = Network(system.url, fiscal_app)
    yield network
    network.clear_faults()
    keyring.clear()


@pytest.fixture
def network(net: Network, fiscal_app) -> Network:
    """The network with the demo personas' bills, and one more inpatient bill for 乌日娜 (p1)."""
    with fiscal_app.app_context():
        seed_demo(personas=["p1", "p2"], bills_per_person=12)
    net.issue("p1", province="11", type_key="medical_inpatient", amount=1288000)
    return net


@pytest.fixture
def resident_id(wallet_app) -> int:
    return activate(wallet_app, "p1")


@pytest.fixture
def fiscal_client(system) -> FiscalClient:
    return FiscalClient(f"{system.url}/fiscal/api/v1", PLATFORM_TOKEN, timeout=5, retries=1, backoff=0.05)


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
