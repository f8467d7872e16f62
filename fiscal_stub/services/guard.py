"""Fetching a bill for a status change, and the rules shared by several changes.

Every status change starts here: the write transaction is opened first (SQLite then
holds the write lock) and the bill row is read ``FOR UPDATE`` (PostgreSQL), so two
requests on one bill are decided one after the other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from common.database import DbSession, write_transaction
from fiscal_stub.models import Bill
from fiscal_stub.services.errors import FiscalError, not_found
from fiscal_stub.services.events import append_event


def bill_for_update(session: DbSession, code: str, number: str) -> Bill:
    write_transaction(session)
    bill = session.execute(
        select(Bill)
        .where(Bill.code == code, Bill.number == number)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if bill is None:
        session.rollback()
        raise not_found()
    return bill


def settle_lapsed_lock(session: DbSession, bill: Bill, now: datetime) -> None:
    """A lock past its expiry counts as released; record that before deciding anything else."""
    if bill.lock_unit_code is None or bill.lock_expires_at is None or bill.lock_expires_at > now:
        return
    bill.lock_unit_code = bill.lock_unit_name = bill.lock_platform = bill.lock_expires_at = None
    append_event(session, bill, "lock_expired", now)


def refuse(session: DbSession, status: int, code: str, message: str) -> FiscalError:
    """Roll back (nothing changes on a refusal) and return the error to raise."""
    session.rollback()
    return FiscalError(status, code, message)


def require_live_electronic(session: DbSession, bill: Bill) -> None:
    """Red bills, red-reversed bills and bills exchanged to paper take part in nothing more."""
    if bill.is_red:
        raise refuse(session, 409, "red_bill_not_allowed", "这是一张红字冲销票据，不能报销、冲红或换开。")
    if bill.issuance == "red_reversed":
        raise refuse(session, 409, "bill_red_reversed", "该票据已冲红作废，请使用开票单位重新开具的票据。")
    if bill.issuance == "exchanged":
        raise refuse(session, 409, "bill_exchanged", "该票据已换开为纸质票据，电子票据不能再用于报销。")
