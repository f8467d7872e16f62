"""The bill on the other side of a red reversal (冲红), named as a link the resident can follow.

A red reversal makes two bills that point at each other: the voided original and the red
bill. Both are the payer's, so both are normally in the wallet; when the red one has not
been collected yet, it is named without a link (and the next sync brings it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from common.translatable import lazy_gettext
from wallet.extensions import db
from wallet.models.bill import Bill

LABELS = {"red_bill": lazy_gettext("红字票据"), "original": lazy_gettext("冲红的原票据")}


@dataclass(frozen=True)
class LinkedBill:
    label: str
    code: str
    number: str
    href: str | None


def linked_bill(bill: Bill, which: str) -> LinkedBill | None:
    """``which`` is ``red_bill`` (from an original) or ``original`` (from a red bill)."""
    ref = json.loads(bill.status_json).get(which)
    if not ref:
        return None
    found = db.session.scalar(
        select(Bill.id).where(
            Bill.resident_id == bill.resident_id, Bill.code == ref["code"], Bill.number == ref["number"]
        )
    )
    href = url_for("resident.bill_detail", bill_id=found) if found is not None else None
    return LinkedBill(str(LABELS[which]), ref["code"], ref["number"], href)
