"""Fixtures and moves shared by the authorization, unit and finance tests.

Residents and units act the way they do for real: residents through the identity stub
(test client or HTTP), units with password and TOTP code; only set-up that is not under
test (collecting bills, seeding demo units, a confirmed authorization) calls services.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin

import pyotp
import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import select

from common.database import write_transaction
from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.identity_stub.pages import redirect_target, through_stub
from tests.support.network import persona
from tests.wallet.auth.flows import log_in
from wallet.auth.identity import LOA_FACE
from wallet.demo import DEMO_UNITS, demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill, Claim, Resident, Unit, UnitUser
from wallet.services.authorizations import Confirmation, authorize_bills
from wallet.services.follower import follow_once
from wallet.services.sync import sync_person

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def demo_units(wallet_app) -> dict[str, int]:
    """The three demo units (active, one user each), by key: insurer, agency, employer."""
    with wallet_app.app_context():
        seed_demo_units()
        return {
            u.key: db.session.scalars(select(Unit.id).where(Unit.credit_code == u.credit_code)).one()
            for u in DEMO_UNITS
        }


def collect(wallet_app, fiscal_client, persona_key: str) -> int:
    """The persona's resident id, with every bill of theirs collected into the wallet."""
    with wallet_app.app_context():
        rid = resident_for_id_number(persona(persona_key).id_number)
        assert rid is not None, "activate or log the persona in first"
        sync_person(rid, persona(persona_key).id_number, fiscal_client)
        return rid


@pytest.fixture
def collected(wallet_app, network, resident_id, fiscal_client) -> int:
    """p1's account (activated, not logged in) with their bills collected; returns the resident id."""
    return collect(wallet_app, fiscal_client, "p1")


def claimable(wallet_app, resident_id: int, count: int, minimum: int = 2000) -> list[int]:
    """Ids of bills that may be authorized (normal, unreimbursed, unlocked), most claimable first."""
    with wallet_app.app_context():
        ids = db.session.scalars(
            select(Bill.id)
            .where(
                Bill.resident_id == resident_id,
                Bill.issuance == "normal",
                Bill.reimbursement == "unreimbursed",
                Bill.claimable >= minimum,
            )
            .order_by(Bill.claimable.desc())
        ).all()
    assert len(ids) >= count, "the seeded network holds too few claimable bills"
    return list(ids[:count])


def grant(wallet_app, resident_id: int, unit_id: int, bill_ids: list[int], claim_ref: str = "") -> list[int]:
    """A confirmed authorization, as if the resident had passed face verification; returns authorization ids."""
    with wallet_app.app_context():
        resident = db.session.get_one(Resident, resident_id)
        receipt = authorize_bills(
            resident, unit_id, bill_ids, claim_ref, "", secrets.token_urlsafe(18), Confirmation(LOA_FACE, utcnow())
        )
        return list(db.session.scalars(select(Claim.id).where(Claim.receipt_id == receipt.id).order_by(Claim.id)))


def auth_row(wallet_app, auth_id: int) -> Claim:
    with wallet_app.app_context():
        db.session.expire_all()
        auth = db.session.get(Claim, auth_id)
        assert auth is not None
        _ = (auth.bill.total, auth.unit.name)
        return auth


def bill_row(wallet_app, bill_id: int) -> Bill:
    with wallet_app.app_context():
        db.session.expire_all()
        bill = db.session.get(Bill, bill_id)
        assert bill is not None
        return bill


def age(wallet_app, auth_id: int, **fields: Any) -> None:
    """Move an authorization's deadlines into the past (``expires_at``, ``lock_expires_at``)."""
    with wallet_app.app_context():
        write_transaction(db.session)  # as the wallet's writers: other writers (a stream server's sweep) wait
        auth = db.session.get(Claim, auth_id)
        for name in fields:
            setattr(auth, name, utcnow() - timedelta(seconds=fields[name]))
        db.session.commit()


# -- unit users --------------------------------------------------------------------------------


def fresh_code(secret: str, used: set[str]) -> str:
    """A TOTP code not yet used in this test (the wallet accepts each step once, ±1 step)."""
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // 30
    for step in (now, now + 1, now - 1):
        code = totp.at(step * 30)
        if code not in used:
            used.add(code)
            return code
    raise AssertionError("no unused TOTP code in the window")


@dataclass
class UnitLogin:
    username: str
    password: str
    secret: str
    used: set[str]


def demo_login(key: str) -> UnitLogin:
    unit = demo_unit(key)
    return UnitLogin(unit.username, unit.password, unit.totp_secret, set())


def unit_client_login(client: FlaskClient, who: UnitLogin) -> None:
    """Log a unit user in through the wallet's test client (password, then TOTP code)."""
    page = client.get("/unit/login").get_data(as_text=True)
    first = client.post(
        "/unit/login", data={"csrf_token": csrf_token_of(page), "username": who.username, "password": who.password}
    )
    assert first.status_code == 302, first.get_data(as_text=True)
    page = client.get("/unit/login/code").get_data(as_text=True)
    second = client.post(
        "/unit/login/code", data={"csrf_token": csrf_token_of(page), "code": fresh_code(who.secret, who.used)}
    )
    assert second.status_code == 302 and second.headers["Location"].startswith("/unit/"), second.get_data(as_text=True)


def unit_http_login(base_url: str, who: UnitLogin) -> requests.Session:
    """A unit user's browser on the live server, logged in."""
    http = requests.Session()
    page = http.get(f"{base_url}/unit/login", timeout=10).text
    first = http.post(
        f"{base_url}/unit/login",
        allow_redirects=False,
        timeout=10,
        data={"csrf_token": csrf_token_of(page), "username": who.username, "password": who.password},
    )
    assert first.status_code == 302, first.text
    page = http.get(f"{base_url}/unit/login/code", timeout=10).text
    second = http.post(
        f"{base_url}/unit/login/code",
        allow_redirects=False,
        timeout=10,
        data={"csrf_token": csrf_token_of(page), "code": fresh_code(who.secret, who.used)},
    )
    assert second.status_code == 302, second.text
    return http


def form_token(html: str) -> str:
    match = HIDDEN_CSRF.search(html)
    assert match, "page carries no form token"
    return match.group(1)


# -- residents over HTTP -----------------------------------------------------------------------


def resident_http_login(base_url: str, persona_key: str, face: bool = True) -> requests.Session:
    """A resident's browser on the live server: logged in through the stub, account activated,
    and (``face``) freshly face-verified for sensitive actions."""
    http = requests.Session()
    start = http.get(f"{base_url}/login", allow_redirects=False, timeout=10)
    back = http.get(
        redirect_target(through_stub(http, urljoin(base_url, start.headers["Location"]), persona=persona_key)),
        allow_redirects=False,
        timeout=10,
    )
    if back.headers.get("Location", "").endswith("/activate"):
        page = http.get(f"{base_url}/activate", timeout=10).text
        back = http.post(
            f"{base_url}/activate",
            data={"csrf_token": csrf_token_of(page), "accept": "yes"},
            allow_redirects=False,
            timeout=10,
        )
    assert back.status_code == 302, back.text
    if face:
        start = http.get(f"{base_url}/auth/step-up?next=/", allow_redirects=False, timeout=10)
        returned = through_stub(http, urljoin(base_url, start.headers["Location"]), persona=persona_key)
        done = http.get(redirect_target(returned), allow_redirects=False, timeout=10)
        assert done.status_code == 302, done.text
    return http


def page_token(http: requests.Session, url: str) -> str:
    return csrf_token_of(http.get(url, timeout=10).text)


@pytest.fixture
def unit_logins() -> Iterator[dict[str, UnitLogin]]:
    yield {u.key: demo_login(u.key) for u in DEMO_UNITS}


@pytest.fixture
def stub_browser() -> requests.Session:
    """The resident's browser at the identity stub (its cookies), beside the wallet's test client."""
    return requests.Session()


@pytest.fixture
def resident_client(client, seeded_idp, network, wallet_app, fiscal_client, demo_units, stub_browser) -> FlaskClient:
    """p1 logged in through the identity stub on the wallet's test client, bills collected."""
    log_in(client, "p1", http=stub_browser)
    collect(wallet_app, fiscal_client, "p1")
    return client


def resident_id_of(wallet_app, persona_key: str = "p1") -> int:
    with wallet_app.app_context():
        rid = resident_for_id_number(persona(persona_key).id_number)
        assert rid is not None
        return rid


def as_unit(wallet_app, key: str, action: Callable[..., Any], *args: Any) -> Any:
    """Run a reimbursement service as the demo unit's user (set-up that is not itself under test)."""
    with wallet_app.app_context():
        user = db.session.scalars(select(UnitUser).where(UnitUser.username == demo_unit(key).username)).one()
        result = action(user, *args)
        return result.id if isinstance(result, Claim) else result


UNIT_APPLICATION = {
    "name": "呼和浩特市第一中学",
    "credit_code": "12150100MB0K2N6Q32",
    "unit_type": "public_institution",
    "address": "内蒙古自治区呼和浩特市新城区 1 号",
    "legal_rep": "赵老师",
    "contact_name": "钱老师",
    "contact_phone": "0471-6901234",
    "contact_id": "11010519491231002X",
    "email": "office@yizhong.example.cn",
}


def apply_for_unit(client: FlaskClient, **changes: str) -> Any:
    """Submit the public application form (a valid one, with ``changes``)."""
    page = client.get("/unit/apply").get_data(as_text=True)
    return client.post("/unit/apply", data={"csrf_token": csrf_token_of(page), **UNIT_APPLICATION, **changes})


def red_reverse_and_follow(
    network: Any, fiscal_client: Any, wallet_app: Any, resident: FlaskClient, bill: Bill
) -> None:
    """The issuer red-reverses ``bill``; the wallet follows the change feed and the resident's page polls."""
    reversed_ = requests.post(
        f"{network.api}/issuer/bills/{bill.code}/{bill.number}/red-reverse",
        json={},
        headers={"Authorization": "Bearer dev-only-issuer-token"},
        timeout=10,
    )
    assert reversed_.status_code == 200, reversed_.text
    with wallet_app.app_context():
        while follow_once(fiscal_client, resident_for_id_number):
            pass
    resident.get("/live?seq=0")
