"""Helpers for the supervision rules: named units, certificates and history put in place, moments in Beijing time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from common.database import DbSession, write_transaction
from common.timeutil import SHANGHAI
from fiscal_stub.demo import seed_network
from fiscal_stub.extensions import db
from fiscal_stub.models import Bill, IssuingUnit, UnitAccount, UnitCertificate
from fiscal_stub.models.accounts import ONLINE
from fiscal_stub.services.issuing import issue
from fiscal_stub.services.minting import store
from fiscal_stub.services.orders import IssueOrder, draft_for
from fiscal_stub.supervision.accounts import open_account
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.certificates import required_kind
from fiscal_stub.supervision.demo import blank_pdf
from fiscal_stub.supervision.writeoff import cycle_of
from fiscal_stub.supervision.writeoffs import reconciliation_of, record_received, submit
from tests.fiscal_stub.conftest import WURINA, FiscalApi

HOSPITAL = "内蒙古自治区人民医院"  # 12…: a public institution
COURT = "呼和浩特市中级人民法院"  # 11…: a government body
CHARITY = "内蒙古自治区慈善总会"  # 51…: a social organisation
PASSWORD = "Admin-2026-pass"
PHONE = "13847100999"


def beijing(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Supervision:
    """The stub's database as the rules see it, inside the fiscal app's context."""

    app: Flask
    session: DbSession
    api: FiscalApi

    def unit(self, name: str) -> IssuingUnit:
        unit = self.session.execute(select(IssuingUnit).where(IssuingUnit.name == name)).scalar_one()
        return unit

    def only_certificate(self, unit: IssuingUnit, valid_from: date, expires_on: date, kind: str = "") -> None:
        """Replace whatever the unit has on record with one uploaded certificate."""
        write_transaction(self.session)
        self.session.execute(delete(UnitCertificate).where(UnitCertificate.unit_code == unit.code))
        self.session.add(
            UnitCertificate(
                unit_code=unit.code,
                kind=kind or required_kind(unit.code).key,
                credit_code=unit.code,
                number="测试证书001",
                valid_from=valid_from,
                expires_on=expires_on,
                pdf=blank_pdf(),
                pdf_name="c.pdf",
                source="upload",
                recorded_at=beijing(2026, 1, 1),
                recorded_by=unit.code,
            )
        )
        self.session.commit()

    def account(self, unit: IssuingUnit, mode: str = ONLINE, phone: str = PHONE) -> UnitAccount:
        return open_account(
            self.session, unit, "测试管理员", phone, PASSWORD, mode, Actor.system(), beijing(2026, 1, 1)
        )

    def order(self, unit: IssuingUnit, **fields: Any) -> IssueOrder:
        type_key = fields.pop("type_key", "medical_outpatient")
        return IssueOrder(type_key, "个人", WURINA[1], WURINA[0], fields.pop("amount", 12000), unit_code=unit.code)

    def history(self, unit: IssuingUnit, moments: list[datetime], type_key: str = "medical_outpatient") -> None:
        """Bills the unit issued before (stored as history, outside any batch)."""
        drafts = [draft_for(self.session, self.order(unit, type_key=type_key), at) for at in moments]
        write_transaction(self.session)
        store(self.session, drafts)
        self.session.commit()

    def issue(self, unit: IssuingUnit, now: datetime, **fields: Any) -> Bill:
        return issue(self.session, draft_for(self.session, self.order(unit, **fields), now))

    def bill_count(self) -> int:
        self.session.rollback()
        return int(self.session.execute(select(func.count()).select_from(Bill)).scalar_one())

    def fresh(self, row: Any) -> Any:
        self.session.rollback()
        self.session.refresh(row)
        return row


@pytest.fixture
def sv(network: FiscalApi) -> Iterator[Supervision]:
    with network.app.app_context():
        seed_network()
        yield Supervision(network.app, db.session, network)
        db.session.rollback()


def write_off(sv: Supervision, unit: IssuingUnit, period: date, now: datetime) -> None:
    """The unit writes the cycle off with exactly what it issued arriving."""
    cycle = cycle_of(sv.session, unit.code, period)
    assert cycle is not None
    total = reconciliation_of(sv.session, cycle).expected_total
    record_received(sv.session, unit, period, total, None, Actor.unit(unit.code), now)
    submit(sv.session, unit, period, Actor.unit(unit.code), now)


def days(n: int) -> timedelta:
    return timedelta(days=n)
