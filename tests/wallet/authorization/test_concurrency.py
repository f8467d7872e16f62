"""Races against the running system, over HTTP, from threads: exactly one side wins, the other is told why.

Each race is run for several bills, so both orders of arrival get exercised; what must hold
is checked after every round, in the wallet and at the fiscal network.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.wallet.authorization.fixtures import (
    auth_row,
    claimable,
    collect,
    demo_login,
    form_token,
    grant,
    resident_http_login,
    unit_http_login,
)
from wallet.demo import demo_unit

ROUNDS = 4
BEIJING_PLATFORM = {"Authorization": "Bearer dev-only-platform-token-bj"}


def race(*calls: Callable[[], requests.Response]) -> list[requests.Response]:
    """Start every call at the same moment; return their responses in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], requests.Response]) -> None:
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def people(system, seeded_idp, network, wallet_app, fiscal_client, demo_units):
    """p1's browser (face-verified) with bills collected, and the insurer's browser, both on the live server."""
    resident = resident_http_login(system.url, "p1")
    rid = collect(wallet_app, fiscal_client, "p1")
    insurer = unit_http_login(system.url, demo_login("insurer"))
    return {"rid": rid, "resident": resident, "insurer": insurer, "url": system.url}


def network_status(network, bill) -> dict[str, Any]:
    return network.platform("GET", f"/bills/{bill.code}/{bill.number}").json()["bill"]["status"]


def test_revoke_racing_a_lock_has_exactly_one_winner(people, wallet_app, demo_units, network):
    url, resident, insurer = people["url"], people["resident"], people["insurer"]
    claims = grant(wallet_app, people["rid"], demo_units["insurer"], claimable(wallet_app, people["rid"], ROUNDS))
    r_token = form_token(resident.get(f"{url}/authorizations", timeout=10).text)
    u_token = form_token(insurer.get(f"{url}/unit/", timeout=10).text)
    winners = set()
    for claim in claims:
        revoked, locked = race(
            lambda claim=claim: resident.post(
                f"{url}/authorizations/{claim}/revoke",
                allow_redirects=False,
                timeout=30,
                data={"csrf_token": r_token, "back": "/authorizations"},
            ),
            lambda claim=claim: insurer.post(
                f"{url}/unit/claims/{claim}/lock", allow_redirects=False, timeout=30, data={"csrf_token": u_token}
            ),
        )
        outcome = (revoked.status_code, locked.status_code)
        assert outcome in {(303, 404), (409, 303)}, outcome
        auth = auth_row(wallet_app, claim)
        held_by = (network_status(network, auth.bill).get("locked_by") or {}).get("unit_code")
        if outcome == (303, 404):
            winners.add("revoke")
            assert "已撤销或已失效" in locked.text
            assert auth.state == "revoked" and held_by is None
        else:
            winners.add("lock")
            # Refused after the lock, or while the lock was waiting on the network.
            assert "已锁定该票据，不能再撤销" in revoked.text or "正在办理该票据" in revoked.text
            assert auth.state == "locked" and held_by == demo_unit("insurer").credit_code
    assert winners, "every round had a winner"


def test_two_units_locking_one_bill_one_wins(people, wallet_app, demo_units, network):
    """The insurer locks through the wallet while a unit on the Beijing platform locks at the network."""
    url, insurer = people["url"], people["insurer"]
    claims = grant(wallet_app, people["rid"], demo_units["insurer"], claimable(wallet_app, people["rid"], ROUNDS))
    u_token = form_token(insurer.get(f"{url}/unit/", timeout=10).text)
    for claim in claims:
        bill = auth_row(wallet_app, claim).bill
        wallet_lock, other_lock = race(
            lambda claim=claim: insurer.post(
                f"{url}/unit/claims/{claim}/lock", allow_redirects=False, timeout=30, data={"csrf_token": u_token}
            ),
            lambda bill=bill: requests.post(
                f"{network.api}/bills/{bill.code}/{bill.number}/lock",
                headers=BEIJING_PLATFORM,
                timeout=30,
                json={"unit_code": "91110000MA01ABCD2X", "unit_name": "北京某保险公司"},
            ),
        )
        wallet_won = wallet_lock.status_code == 303
        assert wallet_won != (other_lock.status_code == 200), (wallet_lock.status_code, other_lock.status_code)
        holder = network_status(network, bill)["locked_by"]["unit_code"]
        auth = auth_row(wallet_app, claim)
        if wallet_won:
            assert other_lock.json()["code"] == "locked_by_other_unit"
            assert holder == demo_unit("insurer").credit_code and auth.state == "locked"
        else:
            assert wallet_lock.status_code == 409 and "北京某保险公司" in wallet_lock.text
            assert holder == "91110000MA01ABCD2X" and auth.state == "authorized"


def test_authorizing_one_bill_to_two_units_at_once_opens_one_authorization(people, wallet_app, demo_units):
    url, resident = people["url"], people["resident"]
    for bill in claimable(wallet_app, people["rid"], ROUNDS):
        token = form_token(resident.get(f"{url}/authorizations", timeout=10).text)

        def confirm(unit_key: str, bill_id: int = bill, token: str = token) -> requests.Response:
            return resident.post(
                f"{url}/authorize/{demo_units[unit_key]}/confirm",
                allow_redirects=False,
                timeout=30,
                data={"csrf_token": token, "bill": str(bill_id), "request_id": f"{unit_key}-{bill_id}-race-request"},
            )

        to_insurer, to_agency = race(lambda: confirm("insurer"), lambda: confirm("agency"))
        statuses = sorted([to_insurer.status_code, to_agency.status_code])
        assert statuses == [303, 409], statuses
        loser = to_insurer if to_insurer.status_code == 409 else to_agency
        assert "已授权给" in loser.text or "刚刚已被授权" in loser.text


def test_racing_feedbacks_cannot_claim_more_than_the_bill(people, wallet_app, demo_units, network):
    url, insurer = people["url"], people["insurer"]
    claim = grant(wallet_app, people["rid"], demo_units["insurer"], claimable(wallet_app, people["rid"], 1))[0]
    token = form_token(insurer.get(f"{url}/unit/", timeout=10).text)
    assert (
        insurer.post(
            f"{url}/unit/claims/{claim}/lock", data={"csrf_token": token}, allow_redirects=False, timeout=30
        ).status_code
        == 303
    )
    bill = auth_row(wallet_app, claim).bill
    share = bill.claimable * 2 // 3
    amount = f"{share // 100}.{share % 100:02d}"

    def feedback(serial: str) -> requests.Response:
        return insurer.post(
            f"{url}/unit/claims/{claim}/feedback",
            allow_redirects=False,
            timeout=30,
            data={
                "csrf_token": token,
                "amount": amount,
                "serial": serial,
                "voucher": f"V-{serial}",
                "time": "2026-03-06T09:30",
            },
        )

    first, second = race(lambda: feedback("RACE-A"), lambda: feedback("RACE-B"))
    assert sorted([first.status_code, second.status_code]) == [303, 409]
    loser = first if first.status_code == 409 else second
    assert "已报销" in loser.text
    status = network_status(network, bill)
    assert status["reimbursed_amount"] == share <= bill.claimable
    assert len([r for r in status["records"] if r["result"] == "reimbursed"]) == 1
