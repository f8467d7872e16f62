"""A unit's lock and feedback nudge the resident's open pages once, not once per thing they change.

The bill's status mirrored, the access record and the notification all land in one
transaction; one bump of the resident's change sequence (and on PostgreSQL one ``NOTIFY``)
tells the open pages about all of it.
"""

from __future__ import annotations

from common.timeutil import utcnow
from tests.support.statements import statements_sent
from tests.wallet.authorization.fixtures import as_unit, auth_row
from tests.wallet.unit.test_short_transactions import three_claims  # noqa: F401  (fixture)
from wallet.extensions import db
from wallet.models import SyncState
from wallet.services.reimbursement import Feedback, lock_claim, record_feedback

BUMP = "UPDATE sync_states SET change_seq"


def nudges(seen: list[str]) -> tuple[int, int]:
    return sum(s.startswith(BUMP) for s in seen), sum("pg_notify" in s for s in seen)


def test_lock_and_feedback_bump_the_residents_sequence_once_each(wallet_app, network, three_claims):  # noqa: F811  (fixture)
    _resident, (claim_id, *_others) = three_claims
    with wallet_app.app_context():
        engine_name = db.engine.dialect.name
    notifies = 1 if engine_name == "postgresql" else 0
    seq_before = seq_of(wallet_app, claim_id)

    with statements_sent(wallet_app) as seen:
        as_unit(wallet_app, "insurer", lock_claim, claim_id)
    assert nudges(seen) == (1, notifies)
    assert seq_of(wallet_app, claim_id) == seq_before + 1

    paid = Feedback(amount=1000, serial="ONE-BUMP-1", voucher="JZ-1", time=utcnow())
    with statements_sent(wallet_app) as seen:
        as_unit(wallet_app, "insurer", record_feedback, claim_id, paid)
    assert nudges(seen) == (1, notifies)
    assert seq_of(wallet_app, claim_id) == seq_before + 2
    assert auth_row(wallet_app, claim_id).state == "reimbursed"


def seq_of(wallet_app, claim_id: int) -> int:
    with wallet_app.app_context():
        resident_id = auth_row(wallet_app, claim_id).resident_id
        state = db.session.get(SyncState, resident_id)
        assert state is not None
        return state.change_seq
