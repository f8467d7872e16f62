"""The status rules hold when many requests hit one bill at once (live HTTP server, both databases)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.fiscal_stub.conftest import ISSUER_TOKEN


def race(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run ``calls`` together, released at the same moment by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def statuses(responses: list[requests.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


def test_twenty_units_racing_to_lock_one_bill_one_wins(network):
    bill = network.issue()
    units = [f"UNIT-{i:02d}" for i in range(20)]
    responses = race([lambda u=u: network.lock(bill, u) for u in units])
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    assert all(
        r.status_code == 409 and r.json()["code"] == "locked_by_other_unit" for r in responses if r.status_code != 200
    )
    holder = winners[0].json()["bill"]["status"]["locked_by"]["unit_code"]
    final = network.fetch(bill)
    assert final["status"]["locked_by"]["unit_code"] == holder
    assert final["version"] == bill["version"] + 1


def test_concurrent_claims_above_the_total_accept_only_one(network):
    bill = network.issue(amount=10000, type_key="exam_fee")
    network.lock(bill, "INSURER")
    network.feedback(bill, "INSURER", "S0", 4000)
    network.lock(bill, "EMPLOYER")
    responses = race([lambda s=s: network.feedback(bill, "EMPLOYER", s, 3500) for s in ("S1", "S2")])
    assert statuses(responses) == [200, 409]
    accepted = next(r for r in responses if r.ok).json()["record"]["serial"]
    status = network.fetch(bill)["status"]
    assert status["reimbursed_amount"] == 7500
    assert [r["serial"] for r in status["records"]] == ["S0", accepted]


def test_holder_racing_two_claims_that_overrun_the_total_gets_one_recorded(network):
    bill = network.issue(amount=10000, type_key="exam_fee")
    network.lock(bill, "INSURER")
    responses = race([lambda s=s: network.feedback(bill, "INSURER", s, 6000) for s in ("S1", "S2")])
    assert statuses(responses) == [200, 409]
    assert network.fetch(bill)["status"]["reimbursed_amount"] == 6000


def red_reverse(network, bill: dict[str, Any]) -> requests.Response:
    return network.post(
        f"/issuer/bills/{bill['code']}/{bill['number']}/red-reverse", {"reason": "测试"}, token=ISSUER_TOKEN
    )


def test_red_reversal_racing_a_lock_never_both(network):
    for _ in range(8):
        bill = network.issue()
        lock, red = race([lambda bill=bill: network.lock(bill, "UNIT-A"), lambda bill=bill: red_reverse(network, bill)])
        assert [lock.ok, red.ok].count(True) == 1, (lock.text, red.text)
        final = network.fetch(bill)["status"]
        if lock.ok:
            assert red.json()["code"] == "bill_locked"
            assert (final["issuance"], final["reimbursement"]) == ("normal", "locked")
        else:
            assert lock.json()["code"] == "bill_red_reversed"
            assert (final["issuance"], final["locked_by"]) == ("red_reversed", None)


def test_replayed_feedback_racing_with_itself_records_once(network):
    bill = network.issue(amount=10000, type_key="exam_fee")
    network.lock(bill, "UNIT-A")
    responses = race([lambda: network.feedback(bill, "UNIT-A", "SAME-SERIAL", 2500) for _ in range(10)])
    assert all(r.status_code == 200 for r in responses)
    assert sorted(r.json()["replayed"] for r in responses) == [False] + [True] * 9
    status = network.fetch(bill)["status"]
    assert (status["reimbursed_amount"], len(status["records"])) == (2500, 1)
