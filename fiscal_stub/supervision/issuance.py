"""What issuing asks of supervision: may this unit issue now, and which batch the bill's number comes from."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from common.database import DbSession
from fiscal_stub.models import IssuingUnit, UnitAccount
from fiscal_stub.models.accounts import INTERFACE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.minting import Draft, store
from fiscal_stub.supervision.accounts import issuing_mode
from fiscal_stub.supervision.batches import record_at_issuance, take_number
from fiscal_stub.supervision.guard import require_can_issue


def issuer_of(session: DbSession, code: str) -> IssuingUnit:
    unit = session.get(IssuingUnit, code)
    if unit is None:
        session.rollback()
        raise FiscalError(404, "unit_not_found", "没有这个开票单位，请核对单位代码。")
    return unit


def store_guarded(session: DbSession, draft: Draft, now: datetime) -> tuple[str, str]:
    """Store one bill inside the caller's write transaction, after the guard, numbered from the unit's batch.

    Locks are taken in the network's order: batch rows (interface units) before the
    counters :func:`~fiscal_stub.services.minting.store` bumps.
    """
    unit = issuer_of(session, draft.issuer_code)
    require_can_issue(session, unit, now)
    if issuing_mode(session.get(UnitAccount, unit.code)) == INTERFACE:
        number = f"{take_number(session, unit, draft.bill_type, draft.code):010d}"
        ((code, number),) = store(session, [replace(draft, number=number)])
    else:
        ((code, number),) = store(session, [draft])
        record_at_issuance(session, unit, draft.bill_type.key, code, int(number), now)
    return code, number
