"""Serving bills from views: live status at this moment, and a pending forgery applied once."""

from __future__ import annotations

from typing import Any

from common.timeutil import utcnow
from fiscal_stub.extensions import db
from fiscal_stub.models import Bill
from fiscal_stub.services.faults import take_forgery
from fiscal_stub.services.present import serve_bills


def served(bills: list[Bill]) -> list[dict[str, Any]]:
    forge = bool(bills) and take_forgery(db.session)
    return serve_bills(db.session, bills, utcnow(), forge_first=forge)


def served_one(bill: Bill) -> dict[str, Any]:
    return served([bill])[0]
