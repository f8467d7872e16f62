"""The one issuing guard: every reason a unit may not issue now, or may not receive new bill numbers.

Two lists of rules, each a function of :class:`~fiscal_stub.supervision.reasons.UnitContext`
returning a :class:`~fiscal_stub.supervision.reasons.Reason` or None:

- :data:`ISSUING_RULES` hold the unit's account: while one answers, the unit issues nothing
  (nor red-reverses or exchanges, which issue too) and receives no numbers;
- :data:`ALLOCATION_RULES` hold new numbers (核旧领新): an interface unit gets no new batch
  but may finish the batch it holds; an online unit, whose numbers come at issuance, cannot
  issue.

A new supervision rule is one function appended to the list it belongs to. Only units
under this notice are guarded: those of Inner Mongolia (province 15).
"""

from __future__ import annotations

from datetime import datetime

from common.database import DbSession
from fiscal_stub.models import IssuingUnit, UnitAccount
from fiscal_stub.models.accounts import ONLINE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision import certificates, ukeys, writeoff
from fiscal_stub.supervision.accounts import issuing_mode
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.reasons import Reason, Rule, UnitContext

SUPERVISED_PROVINCES = frozenset({"15"})

ISSUING_RULES: tuple[Rule, ...] = (certificates.lock_reason, ukeys.lock_reason)
ALLOCATION_RULES: tuple[Rule, ...] = (writeoff.pending_reason, writeoff.suspension_reason)


def supervised(unit: IssuingUnit) -> bool:
    return unit.province in SUPERVISED_PROVINCES


def context(session: DbSession, unit: IssuingUnit, now: datetime) -> UnitContext:
    return UnitContext(session, unit, session.get(UnitAccount, unit.code), now, local_day(now))


def _answers(ctx: UnitContext, rules: tuple[Rule, ...]) -> list[Reason]:
    if not supervised(ctx.unit):
        return []
    return [reason for rule in rules if (reason := rule(ctx)) is not None]


def why_unit_cannot_issue(session: DbSession, unit: IssuingUnit, now: datetime) -> list[Reason]:
    """Every reason ``unit`` may not issue a bill at ``now``; empty when it may."""
    ctx = context(session, unit, now)
    rules = ISSUING_RULES + (ALLOCATION_RULES if issuing_mode(ctx.account) == ONLINE else ())
    return _answers(ctx, rules)


def why_unit_gets_no_numbers(session: DbSession, unit: IssuingUnit, now: datetime) -> list[Reason]:
    """Every reason ``unit`` may not receive a new batch of numbers at ``now``; empty when it may."""
    return _answers(context(session, unit, now), ISSUING_RULES + ALLOCATION_RULES)


def locked_error(
    unit: IssuingUnit, reasons: list[Reason], what: str = "开票", code: str = "issuing_locked"
) -> FiscalError:
    """The refusal every channel gives: 403, the reasons in one Chinese sentence, and each reason for programs."""
    said = "；".join(f"{r.message}{r.remedy}" for r in reasons)
    return FiscalError(403, code, f"{unit.name}暂不能{what}：{said}", {"reasons": [r.as_json() for r in reasons]})


def require_can_issue(session: DbSession, unit: IssuingUnit, now: datetime) -> None:
    """Raise the refusal (after rolling back: nothing changes) when any rule holds ``unit``'s issuing."""
    reasons = why_unit_cannot_issue(session, unit, now)
    if reasons:
        session.rollback()
        raise locked_error(unit, reasons)
