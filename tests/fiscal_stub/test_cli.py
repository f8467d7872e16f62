"""``flask fiscal …`` commands: demo data only into an empty database, generation at any size."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from common.timeutil import utcnow
from fiscal_stub.extensions import db
from fiscal_stub.models import Bill, Province, SigningKey
from fiscal_stub.services.status import lock_bill
from tests.fiscal_stub.conftest import WURINA


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["fiscal", *args])
    assert result.exit_code == 0, result.output
    return result.output


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_seed_demo_fills_an_empty_network_once(fiscal_app):
    assert "31 provinces" in run(fiscal_app, "seed-demo")
    bills = count(fiscal_app, Bill)
    assert bills >= 7 * 20 and count(fiscal_app, Province) == 31 and count(fiscal_app, SigningKey) == 31
    assert "already holds bills" in run(fiscal_app, "seed-demo")
    assert count(fiscal_app, Bill) == bills


def test_generate_adds_people_and_bills(fiscal_app):
    assert "generated 60 bills for 20 people" in run(
        fiscal_app, "generate", "--people", "20", "--bills-per-person", "3", "--seed", "4"
    )
    with fiscal_app.app_context():
        payers = db.session.execute(select(func.count(func.distinct(Bill.payer_id_number)))).scalar_one()
    assert payers == 20


def test_expire_locks_tells_feed_followers_of_the_lapse(network):
    network.post("/subscriptions", {"id_number": WURINA[0]})
    bill = network.issue()
    live = network.issue(amount=500)
    network.lock(live, "UNIT-B")
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
    assert "1 lapsed locks released" in run(network.app, "expire-locks")
    events = network.get("/feed").json()["events"]
    lapsed = [e for e in events if e["type"] == "lock_expired"]
    assert [(e["number"], e["status"]["reimbursement"]) for e in lapsed] == [(bill["number"], "unreimbursed")]
    assert network.fetch(live)["status"]["reimbursement"] == "locked"
