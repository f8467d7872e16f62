"""``wallet.policy.decide``: who may do what to which bill, as one table of cases."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from common.timeutil import utcnow
from wallet import policy
from wallet.models import Bill, Claim, Unit

NOW = utcnow()
HOUR = timedelta(hours=1)


def unit(unit_id: int = 1, state: str = "active") -> Unit:
    return Unit(id=unit_id, name=f"单位{unit_id}", credit_code="91350100M000100Y43", state=state)


def bill(
    resident_id: int = 7,
    total: int = 10000,
    reimbursed: int = 0,
    issuance: str = "normal",
    reimbursement: str = "unreimbursed",
    locked_until=None,
    holder: str = "别的保险公司",
    claimable: int | None = None,
) -> Bill:
    status = {
        "issuance": issuance,
        "reimbursement": reimbursement,
        "reimbursed_amount": reimbursed,
        "locked_by": {"unit_name": holder} if locked_until else None,
        "lock_expires_at": locked_until.isoformat() if locked_until else None,
    }
    return Bill(
        id=3,
        resident_id=resident_id,
        total=total,
        reimbursed_amount=reimbursed,
        issuance=issuance,
        claimable=total if claimable is None else claimable,
        reimbursement=reimbursement,
        status_json=json.dumps(status),
    )


def auth(
    state: str = "authorized",
    unit_id: int = 1,
    resident_id: int = 7,
    expires=NOW + HOUR,
    lock_until=None,
    the_bill: Bill | None = None,
) -> Claim:
    a = Claim(
        id=5,
        source="account",
        state=state,
        unit_id=unit_id,
        resident_id=resident_id,
        expires_at=expires,
        lock_expires_at=lock_until,
        bill_id=3,
    )
    a.wallet_bill = the_bill or bill()
    a.unit = unit(unit_id)
    return a


RESIDENT = policy.ResidentActor(7)
STRANGER = policy.ResidentActor(8)
UNIT = policy.UnitActor(unit(1))
OTHER_UNIT = policy.UnitActor(unit(2))
FROZEN = policy.UnitActor(unit(1, "frozen"))


@pytest.mark.parametrize(
    ("case", "kwargs", "code"),
    [
        ("eligible", {"bill": bill()}, "ok"),
        ("someone else's bill", {"bill": bill(resident_id=8)}, "not_found"),
        ("red bill", {"bill": bill(total=-500)}, "red_bill"),
        ("red-reversed", {"bill": bill(issuance="red_reversed")}, "red_reversed"),
        ("exchanged", {"bill": bill(issuance="exchanged")}, "exchanged"),
        ("fully reimbursed", {"bill": bill(reimbursed=10000, reimbursement="reimbursed")}, "fully_reimbursed"),
        (
            "remainder after a partial claim",
            {"bill": bill(reimbursed=4000, reimbursement="partially_reimbursed")},
            "ok",
        ),
        (
            "medical: what the person bore is paid",
            {"bill": bill(claimable=3500, reimbursed=3500, reimbursement="reimbursed")},
            "fully_reimbursed",
        ),
        ("medical: public insurance paid it all", {"bill": bill(claimable=0)}, "nothing_claimable"),
        ("locked by another unit", {"bill": bill(reimbursement="locked", locked_until=NOW + HOUR)}, "locked_elsewhere"),
        ("a lapsed lock elsewhere", {"bill": bill(reimbursement="locked", locked_until=NOW - HOUR)}, "ok"),
        ("open authorization", {"bill": bill(), "open_authorization": auth()}, "already_authorized"),
        ("expired authorization", {"bill": bill(), "open_authorization": auth(expires=NOW - HOUR)}, "ok"),
        ("frozen target unit", {"bill": bill(), "target_unit": unit(state="frozen")}, "unit_inactive"),
    ],
)
def test_resident_may_authorize_only_eligible_bills_of_their_own(case, kwargs, code):
    assert policy.decide(RESIDENT, "authorize", now=NOW, **kwargs).code == code, case


@pytest.mark.parametrize(
    ("case", "authorization", "actor", "code"),
    [
        ("before the lock", auth(), RESIDENT, "ok"),
        ("after the lock", auth("locked", lock_until=NOW + HOUR), RESIDENT, "already_locked"),
        ("after the lock lapsed", auth("locked", lock_until=NOW - HOUR), RESIDENT, "ok"),
        ("after it expired", auth(expires=NOW - HOUR), RESIDENT, "closed"),
        ("once reimbursed", auth("reimbursed"), RESIDENT, "closed"),
        ("someone else's", auth(), STRANGER, "not_found"),
    ],
)
def test_resident_revokes_only_their_own_before_the_lock(case, authorization, actor, code):
    assert policy.decide(actor, "revoke", authorization=authorization, now=NOW).code == code, case


@pytest.mark.parametrize(
    ("case", "actor", "action", "authorization", "amount", "code", "status"),
    [
        ("view own", UNIT, "view", auth(), None, "ok", 200),
        ("view another unit's", OTHER_UNIT, "view", auth(), None, "not_found", 404),
        ("view revoked", UNIT, "view", auth("revoked"), None, "not_found", 404),
        ("view expired", UNIT, "view", auth(expires=NOW - HOUR), None, "not_found", 404),
        ("frozen unit views", FROZEN, "view", auth(), None, "unit_inactive", 403),
        ("frozen unit locks", FROZEN, "lock", auth(), None, "unit_inactive", 403),
        ("lock", UNIT, "lock", auth(), None, "ok", 200),
        ("lock again", UNIT, "lock", auth("locked", lock_until=NOW + HOUR), None, "already_locked", 409),
        ("relock a lapsed lock", UNIT, "lock", auth("locked", lock_until=NOW - HOUR), None, "ok", 200),
        (
            "lock a red-reversed bill",
            UNIT,
            "lock",
            auth("locked", lock_until=NOW - HOUR, the_bill=bill(issuance="red_reversed")),
            None,
            "red_reversed",
            409,
        ),
        ("feedback before locking", UNIT, "feedback", auth(), 100, "not_locked", 409),
        (
            "feedback within the remainder",
            UNIT,
            "feedback",
            auth("locked", lock_until=NOW + HOUR, the_bill=bill(reimbursed=4000)),
            6000,
            "ok",
            200,
        ),
        (
            "over-claim",
            UNIT,
            "feedback",
            auth("locked", lock_until=NOW + HOUR, the_bill=bill(reimbursed=4000)),
            6001,
            "amount_exceeds_remaining",
            422,
        ),
        (
            "within what the person bore",
            UNIT,
            "feedback",
            auth("locked", lock_until=NOW + HOUR, the_bill=bill(claimable=3500, reimbursed=1000)),
            2500,
            "ok",
            200,
        ),
        (
            "above what the person bore",
            UNIT,
            "feedback",
            auth("locked", lock_until=NOW + HOUR, the_bill=bill(claimable=3500, reimbursed=1000)),
            2501,
            "amount_exceeds_remaining",
            422,
        ),
        ("zero amount", UNIT, "feedback", auth("locked", lock_until=NOW + HOUR), 0, "amount_exceeds_remaining", 422),
        ("feedback on a lapsed lock", UNIT, "feedback", auth("locked", lock_until=NOW - HOUR), 100, "lock_lapsed", 409),
        ("reject an open claim", UNIT, "reject", auth("locked", lock_until=NOW + HOUR), None, "ok", 200),
        ("reject a reimbursed claim", UNIT, "reject", auth("reimbursed"), None, "closed", 409),
    ],
)
def test_unit_acts_only_on_what_was_authorized_to_it(case, actor, action, authorization, amount, code, status):
    decision = policy.decide(actor, action, authorization=authorization, amount=amount, now=NOW)
    assert (decision.code, decision.status if not decision else 200) == (code, status), case
    assert bool(decision) == (code == "ok")
    assert decision.allowed or decision.message, "every refusal says why"
