"""Loading the network with data: the demo (``flask fiscal seed-demo``), bulk generation, test helpers.

All functions run inside the fiscal app's context and use its session unless given one.
Tests of any part can call them to put exactly the bills they need into the network::

    with fiscal_app.app_context():
        seed_demo(personas=["p1"], bills_per_person=5)
        bill = issue_demo_bill("15010219860314110X", "乌日娜", amount=25630)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from common.database import DbSession, write_transaction
from common.personas import load_personas
from common.timeutil import utcnow
from fiscal_stub.extensions import db
from fiscal_stub.generator.household import household_drafts
from fiscal_stub.generator.identity import Person, make_people
from fiscal_stub.generator.population import drafts_for, unit_index
from fiscal_stub.generator.units import all_units
from fiscal_stub.models import Bill, IssuingRule, IssuingUnit, Province, UnitCertificate
from fiscal_stub.reference.provinces import PROVINCES
from fiscal_stub.services.issuing import exchange, issue, red_reverse
from fiscal_stub.services.keys import create_keys
from fiscal_stub.services.minting import store
from fiscal_stub.services.orders import IssueOrder, draft_for
from fiscal_stub.services.present import serve_bills
from fiscal_stub.supervision.certificates import migrated_rows
from fiscal_stub.supervision.guard import SUPERVISED_PROVINCES
from fiscal_stub.supervision.rule_table import default_rows

DEMO_SEED = 2026
BATCH = 2000


def _session(session: DbSession | None) -> DbSession:
    return session if session is not None else db.session


def network_ready(session: DbSession | None = None) -> bool:
    return bool(_session(session).execute(select(func.count()).select_from(Province)).scalar_one())


def seed_network(seed: int = DEMO_SEED, session: DbSession | None = None) -> None:
    """The 31 provinces, each with its first signing key (derived from ``seed``) and issuing units;
    Inner Mongolia's units with the certificates the finance department holds on record for them,
    and its finance department's default rule table for bill faces."""
    s = _session(session)
    if network_ready(s):
        return
    write_transaction(s)
    s.execute(insert(Province), [{"code": p.code, "name": p.name} for p in PROVINCES])
    create_keys(s, [p.code for p in PROVINCES], seed)
    units = all_units()
    s.execute(insert(IssuingUnit), units)
    supervised = [u for u in units if u["province"] in SUPERVISED_PROVINCES]
    s.execute(insert(UnitCertificate), migrated_rows(supervised, utcnow()))
    if not s.execute(select(func.count()).select_from(IssuingRule)).scalar_one():
        s.execute(insert(IssuingRule), default_rows(utcnow()))
    s.commit()


def seed_people(
    people: Iterable[Person],
    bills_per_person: int,
    seed: int = DEMO_SEED,
    until: datetime | None = None,
    session: DbSession | None = None,
) -> int:
    """Generated bills (and past reimbursements) for ``people``; returns how many bills were stored."""
    s = _session(session)
    seed_network(seed, s)
    units = unit_index(s)
    end = until or utcnow()
    stored = 0
    batch: list[Any] = []
    for person in people:
        batch += drafts_for(person, bills_per_person, seed, end, units)
        if len(batch) >= BATCH:
            stored += _store_batch(s, batch)
            batch = []
    if batch:
        stored += _store_batch(s, batch)
    return stored


def _store_batch(session: DbSession, drafts: list[Any]) -> int:
    write_transaction(session)
    store(session, sorted(drafts, key=lambda d: d.issued_at))
    session.commit()
    return len(drafts)


def persona_people(keys: Iterable[str] | None = None) -> list[Person]:
    """The people of data/personas.json (all, or those with the given keys such as ``"p1"``)."""
    wanted = set(keys) if keys is not None else None
    return [Person(p.name, p.id_number, p.home_province) for p in load_personas() if wanted is None or p.key in wanted]


def seed_demo(
    personas: Iterable[str] | None = None,
    bills_per_person: int = 24,
    seed: int = DEMO_SEED,
    until: datetime | None = None,
    session: DbSession | None = None,
) -> str:
    """The demo network, only when the database holds no bills: every persona's bills across
    provinces, types and years, some reimbursed in the past, one red-reversed and one exchanged."""
    s = _session(session)
    if s.execute(select(func.count()).select_from(Bill)).scalar_one():
        return "fiscal: database already holds bills; demo data left as it is"
    people = persona_people(personas)
    count = seed_people(people, bills_per_person, seed, until, s)
    if people:
        _demo_changes(s, people[0].id_number)
    if personas is None:
        count += _household_bills(s, seed, until)
    return f"fiscal: seeded 31 provinces and {count} bills for {len(people)} people and the household's children"


def _household_bills(session: DbSession, seed: int, until: datetime | None) -> int:
    """The demo children's bills (fiscal_stub.generator.household), for their guardians' wallets."""
    return _store_batch(session, household_drafts(unit_index(session), seed, until or utcnow()))


def _demo_changes(session: DbSession, id_number: str) -> None:
    """One red-reversed and one exchanged bill, so the demo shows every issuance status."""
    candidates = session.execute(
        select(Bill.code, Bill.number)
        .where(Bill.payer_id_number == id_number, Bill.reimbursed == 0, Bill.original_code.is_(None))
        .order_by(Bill.issued_at.desc())
        .limit(2)
    ).all()
    if candidates:
        red_reverse(session, candidates[0].code, candidates[0].number, "收费项目有误", utcnow())
    if len(candidates) > 1:
        exchange(session, candidates[1].code, candidates[1].number, utcnow())


def generate(
    people: int,
    bills_per_person: int,
    seed: int = DEMO_SEED,
    until: datetime | None = None,
    session: DbSession | None = None,
) -> int:
    """``people`` generated residents (mostly of Inner Mongolia) with ``bills_per_person`` bills each."""
    return seed_people(make_people(people, seed), bills_per_person, seed, until, session)


def issue_demo_bill(
    id_number: str,
    name: str,
    type_key: str = "medical_outpatient",
    amount: int = 25630,
    province: str = "15",
    items: list[dict[str, Any]] | None = None,
    session: DbSession | None = None,
) -> dict[str, Any]:
    """Issue one bill now (as an issuer would) and return it as the API serves it."""
    s = _session(session)
    seed_network(session=s)
    order = IssueOrder(
        type_key=type_key,
        payer_type="个人",
        payer_name=name,
        payer_id_number=id_number,
        amount=amount,
        province=province,
        items=items,
    )
    bill = issue(s, draft_for(s, order, utcnow()))
    return serve_bills(s, [bill], utcnow())[0]
