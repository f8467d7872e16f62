"""A unit's supervision state gathered for a page: what holds it, its certificates, keys and batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from common.database import DbSession
from fiscal_stub.models import BillBatch, IssuingUnit, SupervisionAudit, UKey, UnitAccount, UnitCertificate
from fiscal_stub.models.accounts import ISSUING_MODES
from fiscal_stub.supervision.accounts import accounts_by_unit, issuing_mode
from fiscal_stub.supervision.audit import trail
from fiscal_stub.supervision.batches import batches_of
from fiscal_stub.supervision.certificates import (
    KINDS,
    CertificateKind,
    best_certificate,
    certificates_of,
    reminder_stage,
    required_kind,
)
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.guard import SUPERVISED_PROVINCES, why_unit_cannot_issue, why_unit_gets_no_numbers
from fiscal_stub.supervision.reasons import Reason
from fiscal_stub.supervision.ukeys import keys_of


@dataclass
class UnitState:
    unit: IssuingUnit
    account: UnitAccount | None
    today: date
    issue_reasons: list[Reason]
    batch_reasons: list[Reason]
    certificate: UnitCertificate | None  # the one in force that runs longest, else the last to expire
    reminder: int | None  # 30 or 7 days before expiry, 0 once expired

    @property
    def mode(self) -> str:
        return issuing_mode(self.account)

    @property
    def mode_name(self) -> str:
        return ISSUING_MODES[self.mode]

    @property
    def needed_kind(self) -> CertificateKind:
        return required_kind(self.unit.code)

    @property
    def days_left(self) -> int | None:
        return None if self.certificate is None else (self.certificate.expires_on - self.today).days

    @property
    def certificate_name(self) -> str:
        return KINDS[self.certificate.kind].name if self.certificate is not None else ""


@dataclass
class UnitDetail:
    state: UnitState
    certificates: list[UnitCertificate]
    keys: list[UKey]
    batches: list[BillBatch]
    trail: list[SupervisionAudit]


def unit_state(
    session: DbSession, unit: IssuingUnit, account: UnitAccount | None, now: datetime, certificates: list | None = None
) -> UnitState:
    today = local_day(now)
    held = certificates if certificates is not None else certificates_of(session, unit.code)
    best = best_certificate(held, today)
    return UnitState(
        unit,
        account,
        today,
        why_unit_cannot_issue(session, unit, now),
        why_unit_gets_no_numbers(session, unit, now),
        best,
        reminder_stage(best, today),
    )


def unit_detail(session: DbSession, unit: IssuingUnit, now: datetime) -> UnitDetail:
    certificates = certificates_of(session, unit.code)
    account = session.get(UnitAccount, unit.code)
    return UnitDetail(
        unit_state(session, unit, account, now, certificates),
        certificates,
        keys_of(session, unit.code),
        batches_of(session, unit.code),
        trail(session, unit.code, limit=20),
    )


def supervised_units(session: DbSession, now: datetime) -> list[UnitState]:
    """Every supervised unit's state, those held back first, then by how soon their certificate expires."""
    units = list(
        session.execute(
            select(IssuingUnit).where(IssuingUnit.province.in_(SUPERVISED_PROVINCES)).order_by(IssuingUnit.code)
        ).scalars()
    )
    accounts = accounts_by_unit(session, [u.code for u in units])
    states = [unit_state(session, u, accounts.get(u.code), now) for u in units]
    return sorted(states, key=lambda s: (not s.issue_reasons, s.days_left if s.days_left is not None else -1))


def reminders(states: list[UnitState]) -> list[UnitState]:
    """The units a certificate reminder is due for (30 or 7 days before expiry, or expired)."""
    return sorted((s for s in states if s.reminder is not None), key=lambda s: s.days_left or 0)
