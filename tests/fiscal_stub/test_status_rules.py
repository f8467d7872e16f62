"""Lock, unlock and feedback follow DESIGN.md §5, one request at a time over real HTTP."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from common.timeutil import utcnow
from fiscal_stub.extensions import db
from fiscal_stub.services.status import lock_bill


def test_lock_shows_holder_and_expiry_and_bumps_version(network):
    bill = network.issue(amount=10000)
    response = network.lock(bill, "UNIT-A", ttl_seconds=3600)
    assert response.status_code == 200
    status = response.json()["bill"]["status"]
    assert status["reimbursement"] == "locked"
    assert status["locked_by"] == {"unit_code": "UNIT-A", "unit_name": "UNIT-A报销单位", "platform": "15"}
    assert status["lock_expires_at"].endswith("Z")
    assert response.json()["bill"]["version"] == bill["version"] + 1


def test_second_unit_cannot_lock_locked_bill(network):
    bill = network.issue()
    assert network.lock(bill, "UNIT-A").status_code == 200
    refused = network.lock(bill, "UNIT-B")
    assert refused.status_code == 409
    assert refused.json()["code"] == "locked_by_other_unit"
    assert "UNIT-A报销单位" in refused.json()["message"]
    assert network.fetch(bill)["status"]["locked_by"]["unit_code"] == "UNIT-A"


def test_holder_locking_again_renews_the_lock(network):
    bill = network.issue()
    first = network.lock(bill, "UNIT-A", ttl_seconds=60).json()["bill"]
    again = network.lock(bill, "UNIT-A", ttl_seconds=7200).json()["bill"]
    assert again["status"]["lock_expires_at"] > first["status"]["lock_expires_at"]
    assert again["version"] == first["version"] + 1


def test_expired_lock_counts_as_released(network):
    bill = network.issue()
    with network.app.app_context():
        lock_bill(
            db.session,
            bill["code"],
            bill["number"],
            platform="15",
            unit_code="UNIT-A",
            unit_name="甲单位",
            ttl_seconds=60,
            now=utcnow() - timedelta(hours=1),
        )
    shown = network.fetch(bill)["status"]
    assert shown["reimbursement"] == "unreimbursed" and shown["locked_by"] is None
    assert network.lock(bill, "UNIT-B").status_code == 200
    assert (
        network.post(f"/bills/{bill['code']}/{bill['number']}/unlock", {"unit_code": "UNIT-A"}).json()["code"]
        == "not_lock_holder"
    )


def test_only_the_holder_unlocks(network):
    bill = network.issue()
    network.lock(bill, "UNIT-A")
    path = f"/bills/{bill['code']}/{bill['number']}/unlock"
    refused = network.post(path, {"unit_code": "UNIT-B"})
    assert (refused.status_code, refused.json()["code"]) == (403, "not_lock_holder")
    released = network.post(path, {"unit_code": "UNIT-A"})
    assert released.status_code == 200
    assert released.json()["bill"]["status"]["reimbursement"] == "unreimbursed"
    again = network.post(path, {"unit_code": "UNIT-A"})
    assert (again.status_code, again.json()["code"]) == (409, "not_locked")


def test_feedback_needs_the_holders_lock(network):
    bill = network.issue(amount=10000)
    refused = network.feedback(bill, "UNIT-A", "S1", 5000)
    assert (refused.status_code, refused.json()["code"]) == (409, "not_locked")
    network.lock(bill, "UNIT-A")
    other = network.feedback(bill, "UNIT-B", "S1", 5000)
    assert (other.status_code, other.json()["code"]) == (403, "not_lock_holder")


def test_partial_then_full_reimbursement_by_two_units(network):
    bill = network.issue(amount=10000, type_key="exam_fee")
    network.lock(bill, "INSURER")
    first = network.feedback(bill, "INSURER", "S1", 6000)
    assert first.status_code == 200
    status = first.json()["bill"]["status"]
    assert (status["reimbursement"], status["reimbursed_amount"], status["locked_by"]) == (
        "partially_reimbursed",
        6000,
        None,
    )
    assert first.json()["record"]["voucher"] == "JZ-S1"
    assert network.lock(bill, "EMPLOYER").status_code == 200
    second = network.feedback(bill, "EMPLOYER", "S2", 4000).json()["bill"]["status"]
    assert (second["reimbursement"], second["reimbursed_amount"]) == ("reimbursed", 10000)
    assert [r["unit_code"] for r in second["records"]] == ["INSURER", "EMPLOYER"]
    refused = network.lock(bill, "THIRD")
    assert (refused.status_code, refused.json()["code"]) == (409, "already_reimbursed")


def test_claim_above_the_remaining_amount_is_refused_and_changes_nothing(network):
    bill = network.issue(amount=10000, type_key="exam_fee")
    network.lock(bill, "INSURER")
    network.feedback(bill, "INSURER", "S1", 6000)
    network.lock(bill, "EMPLOYER")
    refused = network.feedback(bill, "EMPLOYER", "S2", 6000)
    assert (refused.status_code, refused.json()["code"]) == (409, "amount_exceeds_remaining")
    assert "40.00" in refused.json()["message"]
    status = network.fetch(bill)["status"]
    assert (status["reimbursed_amount"], len(status["records"]), status["locked_by"]["unit_code"]) == (
        6000,
        1,
        "EMPLOYER",
    )


def test_replayed_feedback_returns_the_one_record(network):
    bill = network.issue(amount=10000, type_key="exam_fee")
    network.lock(bill, "UNIT-A")
    first = network.feedback(bill, "UNIT-A", "S1", 3000)
    replay = network.feedback(bill, "UNIT-A", "S1", 3000)
    assert replay.status_code == 200
    assert (first.json()["replayed"], replay.json()["replayed"]) == (False, True)
    assert replay.json()["record"] == first.json()["record"]
    assert network.fetch(bill)["status"]["reimbursed_amount"] == 3000


def test_same_serial_with_other_content_is_a_conflict(network):
    bill = network.issue(amount=10000, type_key="exam_fee")
    network.lock(bill, "UNIT-A")
    network.feedback(bill, "UNIT-A", "S1", 3000)
    conflict = network.feedback(bill, "UNIT-A", "S1", 3500)
    assert (conflict.status_code, conflict.json()["code"]) == (409, "serial_conflict")


def test_rejected_claim_releases_the_bill_without_reimbursement(network):
    bill = network.issue(amount=10000)
    network.lock(bill, "UNIT-A")
    rejected = network.feedback(bill, "UNIT-A", "S1", 0, result="rejected").json()["bill"]["status"]
    assert (rejected["reimbursement"], rejected["reimbursed_amount"]) == ("unreimbursed", 0)
    assert rejected["records"][0]["result"] == "rejected"
    assert network.lock(bill, "UNIT-B").status_code == 200


def medical_bill_with_insurance_share(network) -> tuple[dict, dict]:
    """An inpatient bill on which public insurance paid part at settlement, and its settlement split."""
    for _ in range(20):
        bill = network.issue(amount=1_288_000, type_key="medical_inpatient")
        split = json.loads(base64.b64decode(bill["canonical"]))["medical"]["settlement"]
        if split["fund"] > 0:
            return bill, split
    raise AssertionError("no insured inpatient bill in 20 tries")


def test_a_medical_bill_may_be_claimed_only_up_to_what_the_person_bore(network):
    bill, split = medical_bill_with_insurance_share(network)
    bore = 1_288_000 - split["fund"] - split["other_insurance"]
    assert bore == split["personal_account"] + split["cash"]
    assert network.fetch(bill)["status"]["claimable_amount"] == bore
    network.lock(bill, "INSURER")
    refused = network.feedback(bill, "INSURER", "S1", bore + 1)
    assert (refused.status_code, refused.json()["code"]) == (409, "amount_exceeds_remaining")
    assert network.fetch(bill)["status"]["reimbursed_amount"] == 0


def test_two_sequential_partial_claims_share_what_the_person_bore(network):
    bill, split = medical_bill_with_insurance_share(network)
    bore = 1_288_000 - split["fund"] - split["other_insurance"]
    first = bore // 3
    network.lock(bill, "INSURER")
    status = network.feedback(bill, "INSURER", "S1", first).json()["bill"]["status"]
    assert status["reimbursement"] == "partially_reimbursed"
    network.lock(bill, "EMPLOYER")
    over = network.feedback(bill, "EMPLOYER", "S2", bore - first + 1)
    assert (over.status_code, over.json()["code"]) == (409, "amount_exceeds_remaining")
    done = network.feedback(bill, "EMPLOYER", "S3", bore - first).json()["bill"]["status"]
    assert (done["reimbursement"], done["reimbursed_amount"]) == ("reimbursed", bore)
    assert bore < 1_288_000, "the face value was never claimable in full"
    refused = network.lock(bill, "THIRD")
    assert (refused.status_code, refused.json()["code"]) == (409, "already_reimbursed")


def test_a_bill_that_is_not_medical_may_be_claimed_up_to_its_total(network):
    bill = network.issue(amount=56_000, type_key="court_fee")
    assert network.fetch(bill)["status"]["claimable_amount"] == 56_000
    network.lock(bill, "EMPLOYER")
    assert network.feedback(bill, "EMPLOYER", "S1", 56_000).json()["bill"]["status"]["reimbursement"] == "reimbursed"
