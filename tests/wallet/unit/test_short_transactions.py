"""A unit's action waits on the fiscal network with no write transaction open.

Over HTTP against the running system: while one unit's lock waits five seconds for the network,
a resident's revoke and another clerk's rejection are written and answered. In process: an
action interrupted before, during or after its network call leaves the claim either untouched
or recorded, and trying again converges with the network.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import update

from common.timeutil import utcnow
from tests.wallet.authorization.fixtures import (
    as_unit,
    auth_row,
    claimable,
    collect,
    demo_login,
    form_token,
    grant,
    resident_http_login,
    unit_http_login,
)
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models.claim import Claim
from wallet.policy import PENDING_TTL
from wallet.refusals import Refusal
from wallet.services import claim_steps
from wallet.services.reimbursement import Feedback, lock_claim, record_feedback

SLOW_MS = 5000


@pytest.fixture
def three_claims(system, seeded_idp, network, wallet_app, fiscal_client, demo_units):
    resident = resident_http_login(system.url, "p1")
    rid = collect(wallet_app, fiscal_client, "p1")
    return resident, grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 3))


def network_status(network, claim: Claim) -> dict:
    return network.platform("GET", f"/bills/{claim.bill.code}/{claim.bill.number}").json()["bill"]["status"]


def wait_for(check, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the condition was never met"
        time.sleep(0.05)


@pytest.mark.timeout(120)
def test_other_writers_finish_while_a_lock_waits_on_a_slow_network(system, network, wallet_app, three_claims):
    resident, (slow, revoked, rejected) = three_claims
    url = system.url
    clerk, colleague = unit_http_login(url, demo_login("insurer")), requests.Session()
    colleague.cookies.update(clerk.cookies)  # a second tab of the unit's console
    clerk_token, colleague_token = (form_token(c.get(f"{url}/unit/", timeout=10).text) for c in (clerk, colleague))
    resident_token = form_token(resident.get(f"{url}/authorizations", timeout=10).text)
    answers: dict[str, object] = {}
    network.faults(latency_ms=SLOW_MS)
    try:
        locking = threading.Thread(
            target=lambda: answers.setdefault(
                "lock",
                clerk.post(
                    f"{url}/unit/claims/{slow}/lock",
                    data={"csrf_token": clerk_token},
                    allow_redirects=False,
                    timeout=60,
                ),
            )
        )
        locking.start()
        wait_for(lambda: auth_row(wallet_app, slow).pending_action == "lock")

        revoke = resident.post(
            f"{url}/authorizations/{revoked}/revoke",
            allow_redirects=False,
            timeout=60,
            data={"csrf_token": resident_token, "back": "/authorizations"},
        )
        reject = colleague.post(
            f"{url}/unit/claims/{rejected}/reject",
            allow_redirects=False,
            timeout=60,
            data={"csrf_token": colleague_token, "reason": "不属于本保单保障范围"},
        )
        waiting = resident.post(
            f"{url}/authorizations/{slow}/revoke",
            allow_redirects=False,
            timeout=60,
            data={"csrf_token": resident_token, "back": "/authorizations"},
        )
        still_waiting = locking.is_alive()
        locking.join(60)
    finally:
        network.clear_faults()

    assert still_waiting, "the other writes were answered while the lock still waited on the network"
    assert (revoke.status_code, reject.status_code) == (303, 303)
    assert auth_row(wallet_app, revoked).state == "revoked" and auth_row(wallet_app, rejected).state == "rejected"
    assert waiting.status_code == 409 and "正在办理该票据" in waiting.text
    assert answers["lock"].status_code == 303
    locked = auth_row(wallet_app, slow)
    assert (locked.state, locked.pending_action, locked.pending_token) == ("locked", None, None)
    assert network_status(network, locked)["reimbursement"] == "locked"


class Crash(Exception):
    """The process dies here."""


def crash(*_args, **_kwargs):
    raise Crash()


def interrupted(wallet_app, action, *args) -> None:
    with pytest.raises(Crash):
        as_unit(wallet_app, "insurer", action, *args)
    with wallet_app.app_context():
        db.session.rollback()


def age_the_mark(wallet_app, claim_id: int) -> None:
    """Time passes: the dead action's mark is older than any network call can last."""
    with wallet_app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim is not None and claim.pending_since is not None
        db.session.execute(
            update(Claim)
            .where(Claim.id == claim_id)
            .values(pending_since=claim.pending_since - PENDING_TTL - timedelta(seconds=1))
        )
        db.session.commit()


def test_a_lock_interrupted_before_the_network_answers_leaves_the_claim_untouched(
    wallet_app, network, three_claims, monkeypatch
):
    claim_id = three_claims[1][0]
    with monkeypatch.context() as patch:
        patch.setattr(FiscalClient, "lock", crash)
        interrupted(wallet_app, lock_claim, claim_id)
    claim = auth_row(wallet_app, claim_id)
    assert (claim.state, claim.locked_at, claim.pending_action) == ("authorized", None, "lock")
    assert network_status(network, claim)["reimbursement"] == "unreimbursed"
    with pytest.raises(Refusal) as busy:
        as_unit(wallet_app, "insurer", lock_claim, claim_id)
    assert busy.value.code == "claim_busy"
    age_the_mark(wallet_app, claim_id)
    as_unit(wallet_app, "insurer", lock_claim, claim_id)
    claim = auth_row(wallet_app, claim_id)
    assert (claim.state, claim.pending_action) == ("locked", None)
    assert network_status(network, claim)["reimbursement"] == "locked"


def test_a_lock_interrupted_after_the_network_locked_converges_on_retry(wallet_app, network, three_claims, monkeypatch):
    claim_id = three_claims[1][0]
    with monkeypatch.context() as patch:
        patch.setattr(claim_steps, "settle", crash)
        interrupted(wallet_app, lock_claim, claim_id)
    claim = auth_row(wallet_app, claim_id)
    assert claim.state == "authorized" and network_status(network, claim)["reimbursement"] == "locked"
    age_the_mark(wallet_app, claim_id)
    as_unit(wallet_app, "insurer", lock_claim, claim_id)  # the holder locking again renews
    claim = auth_row(wallet_app, claim_id)
    assert (claim.state, claim.pending_action) == ("locked", None)


def test_feedback_interrupted_after_the_network_recorded_it_is_counted_once(
    wallet_app, network, three_claims, monkeypatch
):
    claim_id = three_claims[1][0]
    as_unit(wallet_app, "insurer", lock_claim, claim_id)
    paid = Feedback(amount=1000, serial="SHORT-TX-1", voucher="JZ-1", time=utcnow())
    with monkeypatch.context() as patch:
        patch.setattr(claim_steps, "settle", crash)
        interrupted(wallet_app, record_feedback, claim_id, paid)
    claim = auth_row(wallet_app, claim_id)
    assert claim.state == "locked" and network_status(network, claim)["reimbursed_amount"] == 1000
    age_the_mark(wallet_app, claim_id)
    as_unit(wallet_app, "insurer", record_feedback, claim_id, paid)
    claim = auth_row(wallet_app, claim_id)
    assert (claim.state, claim.amount, claim.pending_action) == ("reimbursed", 1000, None)
    assert network_status(network, claim)["reimbursed_amount"] == 1000
