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
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import delete, func, select

from common.database import DbSession, write_transaction
from common.pdf_fonts import cjk_font
from fiscal_stub.models import IssuingUnit, UKey, UnitAccount, UnitCertificate
from fiscal_stub.models.accounts import INTERFACE, ONLINE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.issuing import issue
from fiscal_stub.services.orders import IssueOrder, draft_for
from fiscal_stub.supervision.accounts import create_officer, open_account
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.basis_reviews import read_basis, submit
from fiscal_stub.supervision.batches import apply_for_batch
from fiscal_stub.supervision.certificates import day_text, required_kind
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.ukey_device import UKeyDevice
from fiscal_stub.supervision.ukeys import serial_of
from fiscal_stub.supervision.writeoff_demo import seed_writeoff_demo

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
    DemoUnit("内蒙古师范大学", "刘志强", "13847100105", ONLINE, None),
)
# The university's request waiting in the finance department's manual-review queue: the contract
# it uploaded says 12,000 yuan in figures and in capitals, the face asks for 12,500.
REVIEW_UNIT = "内蒙古师范大学"
REVIEW_PAYER = ("呼和浩特青城数字科技有限公司", "91150105MA0P8KXWXD")
REVIEW_ITEM = {
    "code": "4001",
    "name": "押金",
    "unit": "笔",
    "quantity": 1,
    "price": 1_250_000,
    "amount": 1_250_000,
    "self_paid": 0,
}
REVIEW_CONTRACT = (
    "技术服务合作协议",
    "甲方：内蒙古师范大学",
    "乙方：呼和浩特青城数字科技有限公司",
    "乙方向甲方交纳项目履约押金人民币 12,000.00 元（大写：壹万贰仟元整），",
    "项目验收合格后甲方予以退还。",
    "签订日期：2026年3月2日",
)


def text_pdf(lines: tuple[str, ...] | list[str]) -> bytes:
    """A one-page PDF with these lines in Chinese (the CJK font embedded), as a scanned-to-text contract reads."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    page.setFont(cjk_font(), 12)
    for index, line in enumerate(lines):
        page.drawString(60, 780 - 22 * index, line)
    page.save()
    return out.getvalue()


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
    if REVIEW_UNIT in units:
        seed_review(session, units[REVIEW_UNIT], now)
    seed_writeoff_demo(session, units, now)
    return f"fiscal: supervision demo: {len(units)} unit accounts, finance officer {DEMO_OFFICER[0]}"


def seed_review(session: DbSession, unit: IssuingUnit, now: datetime) -> None:
    """A fund-settlement bill whose contract does not match its face, sent to manual review by the unit."""
    order = IssueOrder(
        "fund_settlement",
        "单位",
        REVIEW_PAYER[0],
        REVIEW_PAYER[1],
        1_250_000,
        unit_code=unit.code,
        items=[
            {
                "code": "4001",
                "name": "押金",
                "unit": "笔",
                "quantity": 1,
                "price": 1_250_000,
                "amount": 1_250_000,
                "self_paid": 0,
            }
        ],
        remark="技术服务项目履约押金",
    )
    basis = read_basis(text_pdf(REVIEW_CONTRACT), "技术服务合作协议.pdf")
    try:
        issue(session, draft_for(session, order, now), now, basis, "unit")
    except FiscalError as held:
        review = held.details.get("review")
        if review is None:
            raise
        note = "合同约定押金12000元，另含500元资料费，一并收取。"
        submit(session, review["id"], unit.code, note, now)
