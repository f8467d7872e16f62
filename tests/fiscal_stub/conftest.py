"""Fixtures for the fiscal network stub: a seeded network on the live server and an HTTP client for it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from flask import Flask

from fiscal_stub.demo import issue_demo_bill, seed_network
from fiscal_stub.supervision.clock import FixedClock, install

PLATFORM_TOKEN = "dev-only-platform-token-nm"
BEIJING_TOKEN = "dev-only-platform-token-bj"
ISSUER_TOKEN = "dev-only-issuer-token"
WURINA = ("15010219860314110X", "乌日娜")
WANG = ("150203196209084832", "王建国")


@dataclass
class FiscalApi:
    """The network's API over real HTTP, as a platform (token) or an issuer sees it."""

    base: str
    app: Flask
    token: str = PLATFORM_TOKEN

    def url(self, path: str) -> str:
        return f"{self.base}/fiscal/api/v1{path}"

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        return requests.get(self.url(path), headers=self.headers(token), timeout=30, **kwargs)

    def post(self, path: str, body: Any = None, token: str | None = None, **kwargs: Any) -> requests.Response:
        return requests.post(self.url(path), json=body, headers=self.headers(token), timeout=30, **kwargs)

    def issue(self, id_number: str = WURINA[0], name: str = WURINA[1], **order: Any) -> dict[str, Any]:
        """A bill issued through the service layer (fast); returned as the API serves it."""
        with self.app.app_context():
            return issue_demo_bill(id_number, name, **order)

    def lock(self, bill: dict[str, Any], unit: str = "UNIT-A", **extra: Any) -> requests.Response:
        body = {"unit_code": unit, "unit_name": f"{unit}报销单位", **extra}
        return self.post(f"/bills/{bill['code']}/{bill['number']}/lock", body)

    def feedback(
        self, bill: dict[str, Any], unit: str, serial: str, amount: int, result: str = "reimbursed"
    ) -> requests.Response:
        body = {
            "unit_code": unit,
            "serial": serial,
            "voucher": f"JZ-{serial}",
            "amount": amount,
            "result": result,
            "time": "2026-03-06T09:30:00+08:00",
        }
        return self.post(f"/bills/{bill['code']}/{bill['number']}/feedback", body)

    def fetch(self, bill: dict[str, Any]) -> dict[str, Any]:
        response = self.get(f"/bills/{bill['code']}/{bill['number']}")
        assert response.status_code == 200, response.text
        return response.json()["bill"]


@pytest.fixture
def network(system: Any, fiscal_app: Flask) -> FiscalApi:
    """The live system with the 31 provinces, their keys and issuing units (no bills yet)."""
    with fiscal_app.app_context():
        seed_network()
    return FiscalApi(system.url, fiscal_app)


# Tuesday 10 March 2026, 10:00 in Beijing: the day the supervision tests start from unless they move it.
SUPERVISION_START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(fiscal_app: Flask) -> Iterator[FixedClock]:
    """The running stub reads this clock (the rules' "today") until the test ends."""
    fixed = FixedClock(SUPERVISION_START)
    previous = install(fiscal_app, fixed)
    yield fixed
    install(fiscal_app, previous)
