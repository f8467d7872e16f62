"""Random sequences of everything that can happen to a bill keep the reform's invariants.

Residents authorize and revoke, units lock, reimburse and reject, issuers red-reverse and
exchange, authorizations expire — in any order, against the live fiscal network. After
every step: never two lock holders, reimbursement never above the total, nothing
reimbursed after a red-reversal or exchange, and every state change audited.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from common.database import truncate_all
from common.timeutil import utcnow
from fiscal_stub.demo import seed_demo
from tests.support.network import PLATFORM_TOKEN, activate, persona
from tests.wallet.authorization.fixtures import as_unit, grant
from wallet.clients.fiscal import FiscalClient
from wallet.demo import DEMO_UNITS, seed_demo_units
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill, Claim, Unit
from wallet.models.audit import AuditEntry
from wallet.refusals import Refusal
from wallet.services import authorizations
from wallet.services.follower import follow_once
from wallet.services.reimbursement import Feedback, lock_claim, record_feedback, reject_claim
from wallet.services.signatures import keyring
from wallet.services.sync import sync_person

PEOPLE = ("p1", "p2")
UNITS = ("insurer", "agency")
ISSUER = {"Authorization": "Bearer dev-only-issuer-token"}


@pytest.mark.timeout(900)
def test_random_lifecycles_keep_the_invariants(system, wallet_app, fiscal_app):
    api = f"{system.url}/fiscal/api/v1"
    client = FiscalClient(api, PLATFORM_TOKEN, timeout=10, retries=1, backoff=0.05)

    def in_wallet(action, *args):
        with wallet_app.app_context():
            return action(*args)

    def audited() -> int:
        with wallet_app.app_context():
            return db.session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            for part in system.parts.values():
                with part.app_context():
                    part.extensions["sqlalchemy"].session.remove()
                    truncate_all(part.extensions["sqlalchemy"])
            keyring.clear()
            with fiscal_app.app_context():
                seed_demo(personas=list(PEOPLE), bills_per_person=3)
            self.bills: list[tuple[int, int, str, str]] = []  # (resident, bill id, code, number)
            residents = [activate(wallet_app, key) for key in PEOPLE]
            with wallet_app.app_context():
                for key, rid in zip(PEOPLE, residents, strict=True):
                    sync_person(rid, persona(key).id_number, client)
                    for bill in db.session.scalars(select(Bill).where(Bill.resident_id == rid, Bill.total > 0)):
                        self.bills.append((rid, bill.id, bill.code, bill.number))
                seed_demo_units()
                self.units = {
                    u.key: db.session.scalars(select(Unit.id).where(Unit.credit_code == u.credit_code)).one()
                    for u in DEMO_UNITS
                }
            self.voided_at: dict[tuple[str, str], int] = {}

        def claims(self) -> list[int]:
            with wallet_app.app_context():
                return list(db.session.scalars(select(Claim.id).order_by(Claim.id)))

        def changed(self, action) -> None:
            """Run ``action``; if it changed anything it must have left an audit entry."""
            before = audited()
            try:
                action()
            except Refusal:
                return
            assert audited() > before, "a state change left no audit entry"

        @rule(b=st.integers(0, 50), u=st.sampled_from(UNITS))
        def authorize(self, b: int, u: str) -> None:
            rid, bill_id, _, _ = self.bills[b % len(self.bills)]
            self.changed(lambda: grant(wallet_app, rid, self.units[u], [bill_id]))

        @rule(a=st.integers(0, 50))
        def revoke(self, a: int) -> None:
            claims = self.claims()
            if claims:
                auth_id = claims[a % len(claims)]
                with wallet_app.app_context():
                    rid = db.session.get_one(Claim, auth_id).resident_id
                self.changed(lambda: in_wallet(authorizations.revoke, rid, auth_id))

        @rule(a=st.integers(0, 50), u=st.sampled_from(UNITS))
        def lock(self, a: int, u: str) -> None:
            claims = self.claims()
            if claims:
                self.changed(lambda: as_unit(wallet_app, u, lock_claim, claims[a % len(claims)]))

        @rule(
            a=st.integers(0, 50),
            u=st.sampled_from(UNITS),
            share=st.sampled_from((0.3, 0.5, 1.0, 1.5)),
            serial=st.integers(1, 4),
        )
        def feedback(self, a: int, u: str, share: float, serial: int) -> None:
            claims = self.claims()
            if not claims:
                return
            auth_id = claims[a % len(claims)]
            with wallet_app.app_context():
                total = db.session.get_one(Claim, auth_id).bill.total
            fb = Feedback(
                amount=max(1, int(total * share)), serial=f"SM-{auth_id}-{serial}", voucher=f"V-{serial}", time=utcnow()
            )
            self.changed(lambda: as_unit(wallet_app, u, record_feedback, auth_id, fb))

        @rule(a=st.integers(0, 50), u=st.sampled_from(UNITS))
        def reject(self, a: int, u: str) -> None:
            claims = self.claims()
            if claims:
                self.changed(lambda: as_unit(wallet_app, u, reject_claim, claims[a % len(claims)], "材料不全"))

        @rule(b=st.integers(0, 50), how=st.sampled_from(("red-reverse", "exchange")))
        def void(self, b: int, how: str) -> None:
            _, _, code, number = self.bills[b % len(self.bills)]
            reply = requests.post(
                f"{api}/issuer/bills/{code}/{number}/{how}", json={"reason": "测试"}, headers=ISSUER, timeout=10
            )
            if reply.status_code == 200:
                self.voided_at.setdefault((code, number), self.network_status(code, number)["reimbursed_amount"])
            else:
                assert reply.status_code == 409, reply.text

        @rule(a=st.integers(0, 50))
        def expire(self, a: int) -> None:
            claims = self.claims()
            if not claims:
                return
            with wallet_app.app_context():
                auth = db.session.get_one(Claim, claims[a % len(claims)])
                auth.expires_at = utcnow() - timedelta(seconds=1)
                db.session.commit()
                authorizations.sweep()

        @rule()
        def follow(self) -> None:
            with wallet_app.app_context():
                while follow_once(client, resident_for_id_number):
                    pass

        def network_status(self, code: str, number: str) -> dict:
            return requests.get(
                f"{api}/bills/{code}/{number}", headers={"Authorization": f"Bearer {PLATFORM_TOKEN}"}, timeout=10
            ).json()["bill"]["status"]

        @invariant()
        def one_lock_holder_per_bill(self) -> None:
            with wallet_app.app_context():
                rows = db.session.execute(
                    select(Claim.bill_id, func.count()).where(Claim.state == "locked").group_by(Claim.bill_id)
                ).all()
            assert all(count <= 1 for _, count in rows), rows

        @invariant()
        def reimbursement_within_total_and_not_after_voiding(self) -> None:
            with wallet_app.app_context():
                totals = {(b.code, b.number): b.total for b in db.session.scalars(select(Bill).where(Bill.total > 0))}
            for (code, number), total in totals.items():
                status = self.network_status(code, number)
                assert 0 <= status["reimbursed_amount"] <= total
                if (code, number) in self.voided_at:
                    assert status["reimbursed_amount"] == self.voided_at[(code, number)]

    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=3,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
