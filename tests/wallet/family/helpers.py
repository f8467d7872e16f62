"""Moves the family tests share: the provider's family round trip, a child's bills, the wallet's clock."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import select

from common.personas import load_households
from fiscal_stub.demo import issue_demo_bill
from tests.conftest import csrf_token_of
from tests.identity_stub.pages import redirect_target, through_stub
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill
from wallet.services.sync import sync_person

CHILDREN = load_households()[0].children
ELDEST, YOUNGEST = CHILDREN
CHILD_BUTTON = re.compile(r'name="child" value="(\d+)"')


def words(html: str) -> str:
    """What a page says, tags taken off and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def family_round_trip(http: requests.Session, base: str, persona: str = "p1") -> requests.Response:
    """Ask 蒙速办 for the family scope (``/family/add``) and come back to the wallet's callback."""
    start = http.get(f"{base}/family/add", allow_redirects=False, timeout=10)
    assert start.status_code == 302, start.text
    returned = through_stub(http, urljoin(base, start.headers["Location"]), persona=persona)
    return http.get(redirect_target(returned), allow_redirects=False, timeout=10)


def add_child(http: requests.Session, base: str, index: int = 0, persona: str = "p1") -> requests.Response:
    """The guardian's whole addition of a child: the round trip, then the one confirmation."""
    back = family_round_trip(http, base, persona)
    assert back.status_code == 302 and back.headers["Location"] == "/family", back.text
    page = http.get(f"{base}/family", timeout=10).text
    assert str(index) in CHILD_BUTTON.findall(page), page
    return http.post(
        f"{base}/family/children",
        data={"csrf_token": csrf_token_of(page), "child": str(index)},
        allow_redirects=False,
        timeout=10,
    )


def member_id(wallet_app: Any, id_number: str) -> int:
    with wallet_app.app_context():
        found = resident_for_id_number(id_number)
        assert found is not None
        return found


def issue_to_child(fiscal_app: Any, child: Any = ELDEST, **kwargs: Any) -> dict[str, Any]:
    with fiscal_app.app_context():
        return issue_demo_bill(child.id_number, child.name, **kwargs)


def collect_child(wallet_app: Any, fiscal_client: Any, child: Any = ELDEST) -> int:
    """The child's held wallet, collected; returns its resident id."""
    rid = member_id(wallet_app, child.id_number)
    with wallet_app.app_context():
        sync_person(rid, child.id_number, fiscal_client)
    return rid


def bill_ids(wallet_app: Any, resident_id: int) -> list[int]:
    with wallet_app.app_context():
        return list(db.session.scalars(select(Bill.id).where(Bill.resident_id == resident_id).order_by(Bill.id)))


def set_today(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """The wallet's clock for family links (read on every use, also by the running server)."""
    monkeypatch.setattr("wallet.services.family.today", lambda: day)
