"""Demo data for the wallet: three active reimbursement units with known credentials.

Residents are created by their own first login, never seeded. The units' usernames,
passwords and TOTP keys are for development only (docs/demo-accounts.md lists them), so
they are seeded only when APP_ENV says development or test.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from common.settings import is_development
from common.timeutil import utcnow
from wallet.extensions import db
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


def seed_demo_data() -> str:
    if not is_development(current_app.config["APP_ENV"]):
        return "wallet: demo units are for development only; nothing seeded outside development"
    if count_units():
        return "wallet: units exist already; demo units not seeded"
    created = seed_demo_units()
    return (
        f"wallet: seeded {created} demo units (credentials: docs/demo-accounts.md); residents activate at first login"
    )
