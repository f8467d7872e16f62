"""What issuing asks of supervision: may this unit issue now, does the face pass the rule table, and
which batch the bill's number comes from."""

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
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.cycles import open_cycle
from fiscal_stub.supervision.face_rules import Face
from fiscal_stub.supervision.guard import require_can_issue, supervised
from fiscal_stub.supervision.rule_table import breach_error, breaches


def issuer_of(session: DbSession, code: str) -> IssuingUnit:
    unit = session.get(IssuingUnit, code)
    if unit is None:
        session.rollback()
        raise FiscalError(404, "unit_not_found", "没有这个开票单位，请核对单位代码。")
    return unit


def face_of(draft: Draft, now: datetime, has_basis: bool) -> Face:
    content = draft.content
    return Face(
        type_key=draft.bill_type.key,
        payer_type=draft.payer_type,
        payer_name=draft.payer_name,
        payer_id_number=draft.payer_id_number,
        amount=content.total,
        items=content.items,
        handler=content.handler,
        remark=content.remark,
        issue_day=local_day(draft.issued_at),
        today=local_day(now),
        has_basis=has_basis,
    )


def require_face_rules(session: DbSession, unit: IssuingUnit, draft: Draft, now: datetime, has_basis: bool) -> None:
    """Raise the rule table's refusal (after rolling back: nothing changes) when the face breaks an enabled rule.

    The table is Inner Mongolia's finance department's: units of other provinces are not held by it.
    """
    if not supervised(unit):
        return
    found = breaches(session, face_of(draft, now, has_basis))
    if found:
        session.rollback()
        raise breach_error(found)


def store_guarded(session: DbSession, draft: Draft, now: datetime) -> tuple[str, str]:
    """Store one bill inside the caller's write transaction, after the guard, numbered from the unit's batch.

    Locks are taken in the network's order: batch rows (interface units) before the
    counters :func:`~fiscal_stub.services.minting.store` bumps. The bill's month becomes a
    write-off cycle of the unit, if it is not one yet.
    """
    unit = issuer_of(session, draft.issuer_code)
    require_can_issue(session, unit, now)
    if issuing_mode(session.get(UnitAccount, unit.code)) == INTERFACE:
        number = f"{take_number(session, unit, draft.bill_type, draft.code):010d}"
        ((code, number),) = store(session, [replace(draft, number=number)])
    else:
        ((code, number),) = store(session, [draft])
        record_at_issuance(session, unit, draft.bill_type.key, code, int(number), now)
    if supervised(unit):
        open_cycle(session, unit.code, draft.issued_at)
    return code, number
