"""What a clerk types into the unit inbox's search box, read as exact lookups that use an index.

The shape of the text says what it is: ``15060126-0000012345`` (code and number), eight digits
(a bill code), ten digits (a bill number), an amount in yuan (``128.50``, ``¥128.5``, ``128.50元``),
a name in Chinese characters (matched by its keyed hash: names stay sealed) — and any text may
also be the unit's own claim reference (理赔/报销单号), matched exactly. No substring search: at
400,000 claims only an index lookup answers in time.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, or_, select

from common.money import AmountRefused, fen_from_yuan
from wallet.extensions import db
from wallet.identity import name_lookup_hash
from wallet.models.claim import Claim

MAX_LENGTH = 64  # a claim reference's length
BILL_KEY = re.compile(r"^(\d{8})[-\s]?(\d{10})$")
AMOUNT = re.compile(r"^[¥￥]?\s*([\d０-９]+(?:[.．][\d０-９]*)?)\s*元?$")
NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff][\u3400-\u9fff\uf900-\ufaff·•.．\s]{0,19}$")


class Unreadable(ValueError):
    """Text that looks like an amount but is not one (a third decimal, say); ``message`` says why."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


HINT = "可按申请人姓名、票据代码（8 位）、票据号码（10 位）、理赔/报销单号或金额（元）查找，需完整输入。"


def condition(unit_id: int, q: str) -> Any:
    """The claims ``q`` names (also by claim reference); :class:`Unreadable` for a malformed amount.

    The reference is looked up first (one index probe): only when some claim carries it does the
    search ask for either, so the common case reads one index in page order and sorts nothing."""
    by_ref = Claim.claim_ref == q
    named = _by_shape(q)
    if named is None:
        return by_ref
    carried = db.session.scalar(select(Claim.id).where(Claim.unit_id == unit_id, by_ref).limit(1))
    return named if carried is None else or_(named, by_ref)


def _by_shape(q: str) -> Any:
    key = BILL_KEY.match(q)
    if key:
        return and_(Claim.bill_number == key.group(2), Claim.bill_code == key.group(1))
    if q.isascii() and q.isdigit() and len(q) == 8:
        return Claim.bill_code == q
    if q.isascii() and q.isdigit() and len(q) == 10:
        return Claim.bill_number == q
    amount = AMOUNT.match(q)
    if amount:
        try:
            fen = fen_from_yuan(amount.group(1).rstrip(".．"))
        except AmountRefused as refused:
            raise Unreadable(f"金额“{q}”无法识别：{refused.message}") from refused
        return Claim.bill_total == fen
    if NAME.match(q):
        return Claim.claimant_hash == name_lookup_hash(q)
    return None
