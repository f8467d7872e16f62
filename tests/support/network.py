"""Driving the fiscal network stub from tests, as an issuer or a platform would, and activating residents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from common.personas import Persona, load_personas
from fiscal_stub.demo import issue_demo_bill
from wallet.auth.accounts import activate_account
from wallet.auth.identity import VerifiedIdentity

PLATFORM_TOKEN = "dev-only-platform-token-nm"


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
        headers = {"Authorization": f"Bearer {PLATFORM_TOKEN}"}
        return requests.request(method, f"{self.api}{path}", headers=headers, timeout=10, **kwargs)

    def payer_bill_count(self, persona_key: str = "p1") -> int:
        total, cursor = 0, None
        while True:
            body = self.platform(
                "POST",
                "/payer-bills",
                json={"id_number": persona(persona_key).id_number, "cursor": cursor, "limit": 1000},
            ).json()
            total += len(body["bills"])
            cursor = body["next_cursor"]
            if not body["has_more"]:
                return total


def persona(key: str) -> Persona:
    return next(p for p in load_personas() if p.key == key)


def activate(wallet_app: Any, persona_key: str) -> int:
    """An activated personal account for a demo persona, as if they had logged in and accepted."""
    p = persona(persona_key)
    with wallet_app.app_context():
        identity = VerifiedIdentity(
            sub=f"sub-{p.key}", name=p.name, id_number=p.id_number, acr="urn:mengsuban:loa:2", auth_time=0, id_token=""
        )
        return activate_account(identity, "2026-01").id
