"""Demo data for the wallet: three active reimbursement units with known credentials, and a family.

Residents activate at their own first login. The demo household of data/personas.json is the
one exception: its two parents' wallets are prepared as held rows (no login, no terms accepted —
the first login still asks them to accept the terms, then adopts the row), already linked as
spouses and as guardians of both children, whose held wallets are queued for collection. The
units' usernames, passwords and TOTP keys are for development only (docs/demo-accounts.md lists
them), so all of it is seeded only when APP_ENV says development or test.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from common.personas import load_households, load_personas
from common.settings import is_development
from common.timeutil import utcnow
from wallet.auth.family_claim import AttestedPerson
from wallet.extensions import db
from wallet.identity import lookup_hash
from wallet.models import FamilyLink, FamilyShare, Resident
from wallet.models.family import SPOUSE
from wallet.services import family
from wallet.services.collection_jobs import request_sync
from wallet.services.unit_accounts import add_user, count_units, unit_from_application
from wallet.services.unit_forms import UnitApplication


@dataclass(frozen=True)
class DemoUnit(UnitApplication):
    """A demo unit is applied for like any other; the key names it in tests, the rest logs its first user in."""

    key: str
    username: str
    password: str
    totp_secret: str


DEMO_UNITS: tuple[DemoUnit, ...] = (
    DemoUnit(
        "北疆人寿保险股份有限公司内蒙古分公司",
        "91150100MA0NBJ7R58",
        "insurer",
        "内蒙古自治区呼和浩特市赛罕区敕勒川大街 18 号",
        "高志远",
        "其其格",
        "13947100123",
        "150102198507120026",
        "claims@beijiang-life.example.cn",
        key="insurer",
        username="insurer",
        password="Insurer-demo-2026",
        totp_secret="TEMZYJZHBY4M42WEFXZJ7B4UIF2B7OMM",
    ),
    DemoUnit(
        "内蒙古自治区医疗保障事业中心",
        "12150000MB1Y04477D",
        "medical_insurance",
        "内蒙古自治区呼和浩特市新城区新华大街 63 号",
        "张宏伟",
        "李娜",
        "0471-6601234",
        "150104197909031518",
        "jbk@ybzx.nmg.example.cn",
        key="agency",
        username="ybzx",
        password="Agency-demo-2026",
        totp_secret="QQKV3EAZYCLMSJ3W4K5D3FA726S2K5RQ",
    ),
    DemoUnit(
        "呼和浩特青城数字科技有限公司",
        "91150105MA0P8KXWXD",
        "other",
        "内蒙古自治区呼和浩特市回民区中山西路 1 号",
        "王磊",
        "苏日娜",
        "13804712345",
        "150203199004213227",
        "hr@qingcheng-tech.example.cn",
        key="employer",
        username="employer",
        password="Employer-demo-2026",
        totp_secret="CNTNHJF4VYLKEJY6I4V6SMOIZK5FQTHG",
    ),
)


def demo_unit(key: str) -> DemoUnit:
    return next(u for u in DEMO_UNITS if u.key == key)


def seed_demo_units() -> int:
    """Create the demo units (active, each with one user); returns how many were created."""
    now = utcnow()
    for demo in DEMO_UNITS:
        unit = unit_from_application(demo, "active", now)
        unit.decided_at, unit.decision_note = now, "演示单位"
        db.session.add(unit)
        db.session.flush()
        add_user(unit, demo.username, demo.password, demo.totp_secret, demo.contact_name)
    db.session.commit()
    return len(DEMO_UNITS)


def _prepared(person: AttestedPerson) -> Resident:
    """The wallet row of a demo person: theirs already, or a held one their first login adopts."""
    found = db.session.scalar(select(Resident).where(Resident.id_number_hash == lookup_hash(person.id_number)))
    if found is not None:
        return found
    row = family.held_account(person)
    db.session.commit()
    return row


def seed_demo_family() -> int:
    """Both parents guardians of both children and each other's confirmed spouse; returns the links made."""
    on, made = family.today(), 0
    personas = {p.key: p for p in load_personas()}
    for household in load_households():
        parents = {
            k: _prepared(AttestedPerson(personas[k].id_number, personas[k].name, personas[k].birthdate))
            for k in household.guardians
        }
        for child in household.children:
            for parent in parents.values():
                link = family.add_child(parent, AttestedPerson(child.id_number, child.name, child.birthdate), on)
                made += 1
            request_sync(link.member_id)
        if len(household.spouses) == 2:
            one, other = (
                _prepared(AttestedPerson(personas[k].id_number, personas[k].name, personas[k].birthdate))
                for k in household.spouses
            )
            key = FamilyLink.key_for(SPOUSE, one.id, other.id)
            if db.session.scalar(select(FamilyLink.id).where(FamilyLink.open_key == key)) is None:
                now = utcnow()
                link = FamilyLink(
                    resident_id=one.id,
                    member_id=other.id,
                    relation=SPOUSE,
                    open_key=key,
                    created_at=now,
                    confirmed_at=now,
                )
                db.session.add(link)
                db.session.flush()
                db.session.add(FamilyShare(link_id=link.id, owner_id=one.id, year=on.year, created_at=now))
                db.session.commit()
                made += 1
    return made


def seed_demo_data() -> str:
    if not is_development(current_app.config["APP_ENV"]):
        return "wallet: demo units are for development only; nothing seeded outside development"
    if count_units():
        return "wallet: units exist already; demo units not seeded"
    created = seed_demo_units()
    links = seed_demo_family()
    return (
        f"wallet: seeded {created} demo units (credentials: docs/demo-accounts.md) and {links} family links of the"
        " demo household; residents activate at first login"
    )
