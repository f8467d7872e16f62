"""Supervision demo data for ``make run``: accounts, a finance officer, and units in every state a screen shows.

Only for development and tests (the passwords are published in docs/demo-accounts.md).
Loaded once: when no unit account exists yet.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfWriter
from sqlalchemy import delete, func, select

from common.database import DbSession, write_transaction
from fiscal_stub.models import IssuingUnit, UKey, UnitAccount, UnitCertificate
from fiscal_stub.models.accounts import INTERFACE, ONLINE
from fiscal_stub.supervision.accounts import create_officer, open_account
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.batches import apply_for_batch
from fiscal_stub.supervision.certificates import day_text, required_kind
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.ukey_device import UKeyDevice
from fiscal_stub.supervision.ukeys import serial_of

DEMO_UNIT_PASSWORD = "Unit-demo-2026"
DEMO_OFFICER = ("czt", "自治区财政厅票据监管处", "Czt-demo-2026")


@dataclass(frozen=True)
class DemoUnit:
    name: str
    admin: str
    phone: str
    mode: str
    expires_in_days: int | None  # None: the certificate on record stays; else an uploaded one expiring then


DEMO_UNITS = (
    DemoUnit("内蒙古自治区人民医院", "张晓燕", "13847100101", INTERFACE, None),
    DemoUnit("呼和浩特市第一人民医院", "李文博", "13847100102", ONLINE, 20),
    DemoUnit("内蒙古自治区教育考试院", "王海霞", "13847100103", ONLINE, 5),
    DemoUnit("内蒙古自治区慈善总会", "巴特尔", "13847100104", ONLINE, 0),
)


def blank_pdf() -> bytes:
    """A one-page PDF standing in for a scanned certificate."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def demo_device(unit_code: str) -> UKeyDevice:
    """The demo unit's UKey, fixed by its code so ``flask fiscal ukey-sign --demo`` can sign for it."""
    seed = hashlib.sha256(f"bill-wallet/fiscal-demo-ukey/v1/{unit_code}".encode()).digest()
    return UKeyDevice(Ed25519PrivateKey.from_private_bytes(seed))


def seed_supervision_demo(session: DbSession, now: datetime) -> str:
    if session.execute(select(func.count()).select_from(UnitAccount)).scalar_one():
        return "fiscal: unit accounts exist; supervision demo left as it is"
    create_officer(session, *DEMO_OFFICER, now)
    names = [u.name for u in DEMO_UNITS]
    units = {u.name: u for u in session.execute(select(IssuingUnit).where(IssuingUnit.name.in_(names))).scalars()}
    today = local_day(now)
    for demo in DEMO_UNITS:
        unit = units.get(demo.name)
        if unit is None:
            continue
        open_account(session, unit, demo.admin, demo.phone, DEMO_UNIT_PASSWORD, demo.mode, Actor.system(), now)
        write_transaction(session)
        device = demo_device(unit.code)
        raw = bytes.fromhex(device.public_hex())
        session.add(
            UKey(
                serial=serial_of(raw),
                unit_code=unit.code,
                public_key=raw.hex(),
                status="active",
                registered_at=now,
                registered_by="system:demo",
            )
        )
        record(session, Actor.system(), "ukey.registered", unit.code, f"UKey {serial_of(raw)}（演示数据）", now)
        if demo.expires_in_days is not None:
            session.execute(delete(UnitCertificate).where(UnitCertificate.unit_code == unit.code))
            expires = today + timedelta(days=demo.expires_in_days)
            kind = required_kind(unit.code)
            session.add(
                UnitCertificate(
                    unit_code=unit.code,
                    kind=kind.key,
                    credit_code=unit.code,
                    number=f"演示{unit.code[-6:]}",
                    valid_from=expires.replace(year=expires.year - 5),
                    expires_on=expires,
                    pdf=blank_pdf(),
                    pdf_name="certificate.pdf",
                    source="upload",
                    recorded_at=now,
                    recorded_by=unit.code,
                )
            )
            detail = f"《{kind.name}》演示证书，有效期至{day_text(expires)}"
            record(session, Actor.unit(unit.code), "certificate.recorded", unit.code, detail, now)
        session.commit()
        if demo.mode == INTERFACE:
            apply_for_batch(session, unit, "medical_outpatient", 50, Actor.unit(unit.code), now)
    return f"fiscal: supervision demo: {len(units)} unit accounts, finance officer {DEMO_OFFICER[0]}"
