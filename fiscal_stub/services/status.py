"""Lock, unlock and feedback: the reimbursement rules of DESIGN.md §5, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from common.database import DbSession
from common.money import yuan
from fiscal_stub.models import Bill, FeedbackRecord
from fiscal_stub.services.events import append_event
from fiscal_stub.services.guard import bill_for_update, refuse, require_live_electronic, settle_lapsed_lock


@dataclass(frozen=True)
class Feedback:
    unit_code: str
    serial: str
    voucher: str
    amount: int
    result: str
    time: datetime


def lock_bill(
    session: DbSession,
    code: str,
    number: str,
    *,
    platform: str,
    unit_code: str,
    unit_name: str,
    ttl_seconds: int,
    now: datetime,
) -> Bill:
    """One holder at a time; the holder locking again renews; a lapsed lock no longer counts."""
    bill = bill_for_update(session, code, number)
    settle_lapsed_lock(session, bill, now)
    require_live_electronic(session, bill)
    if bill.claimable <= 0:
        raise refuse(session, 409, "nothing_claimable", "该票据的费用已由医保基金全部支付，个人没有可报销的金额。")
    if bill.reimbursed >= bill.claimable:
        raise refuse(session, 409, "already_reimbursed", "该票据可报销的金额已全部报销，不能再锁定。")
    if bill.lock_unit_code is not None and bill.lock_unit_code != unit_code:
        raise refuse(
            session,
            409,
            "locked_by_other_unit",
            f"该票据正由{bill.lock_unit_name}锁定报销中，请待其处理完毕或锁定到期后再试。",
        )
    bill.lock_unit_code, bill.lock_unit_name, bill.lock_platform = unit_code, unit_name, platform
    bill.lock_expires_at = now + timedelta(seconds=ttl_seconds)
    append_event(session, bill, "locked", now)
    session.commit()
    return bill


def _require_holder(session: DbSession, bill: Bill, unit_code: str) -> None:
    if bill.lock_unit_code is None:
        raise refuse(session, 409, "not_locked", "该票据当前未被锁定（或锁定已到期），请先锁定再操作。")
    if bill.lock_unit_code != unit_code:
        raise refuse(session, 403, "not_lock_holder", "该票据由其他单位锁定，只有锁定单位可以解锁或反馈。")


def unlock_bill(session: DbSession, code: str, number: str, *, unit_code: str, now: datetime) -> Bill:
    bill = bill_for_update(session, code, number)
    settle_lapsed_lock(session, bill, now)
    _require_holder(session, bill, unit_code)
    bill.lock_unit_code = bill.lock_unit_name = bill.lock_platform = bill.lock_expires_at = None
    append_event(session, bill, "unlocked", now)
    session.commit()
    return bill


def _same(record: FeedbackRecord, feedback: Feedback) -> bool:
    return (record.unit_code, record.voucher, record.amount, record.result, record.reported_at) == (
        feedback.unit_code,
        feedback.voucher,
        feedback.amount,
        feedback.result,
        feedback.time,
    )


def record_feedback(
    session: DbSession, code: str, number: str, feedback: Feedback, *, now: datetime
) -> tuple[Bill, FeedbackRecord, bool]:
    """Record the holder's result and release its lock; the same serial again is a replay.

    Returns the bill, the one record for this serial, and whether this call was a replay.
    """
    bill = bill_for_update(session, code, number)
    existing = session.execute(
        select(FeedbackRecord).where(FeedbackRecord.bill_id == bill.id, FeedbackRecord.serial == feedback.serial)
    ).scalar_one_or_none()
    if existing is not None:
        if not _same(existing, feedback):
            raise refuse(
                session,
                409,
                "serial_conflict",
                "该业务流水号已反馈过不同的内容，请核对流水号，新的报销请使用新的流水号。",
            )
        session.rollback()
        return bill, existing, True
    settle_lapsed_lock(session, bill, now)
    _require_holder(session, bill, feedback.unit_code)
    if feedback.result == "reimbursed" and bill.reimbursed + feedback.amount > bill.claimable:
        remaining = bill.claimable - bill.reimbursed
        raise refuse(
            session,
            409,
            "amount_exceeds_remaining",
            f"报销金额超过可报销余额（剩余 {yuan(remaining)} 元），请核对金额。",
        )
    record = FeedbackRecord(
        bill_id=bill.id,
        unit_code=feedback.unit_code,
        unit_name=bill.lock_unit_name or "",
        platform=bill.lock_platform or "",
        serial=feedback.serial,
        voucher=feedback.voucher,
        amount=feedback.amount,
        result=feedback.result,
        reported_at=feedback.time,
        recorded_at=now,
    )
    session.add(record)
    if feedback.result == "reimbursed":
        bill.reimbursed += feedback.amount
    bill.lock_unit_code = bill.lock_unit_name = bill.lock_platform = bill.lock_expires_at = None
    append_event(session, bill, "feedback", now)
    session.commit()
    return bill, record, False


def expire_lapsed_locks(session: DbSession, now: datetime) -> int:
    """Record ``lock_expired`` for every lock past its expiry (the feed then tells followers)."""
    lapsed = session.execute(
        select(Bill.code, Bill.number).where(Bill.lock_unit_code.is_not(None), Bill.lock_expires_at <= now)
    ).all()
    session.rollback()
    for code, number in lapsed:
        bill = bill_for_update(session, code, number)
        settle_lapsed_lock(session, bill, now)
        session.commit()
    return len(lapsed)
