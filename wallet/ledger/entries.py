"""A holder's bills of one year as ledger entries, read from what the wallet holds.

The settlement split comes from the signed document; the reimbursements from the status the
network reports (every unit's record with amount and voucher), not from the wallet's own
claims: a reimbursement made before the bill reached the wallet, or through another channel,
is still money someone else paid.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select

from common.timeutil import as_utc, to_local
from wallet.extensions import db
from wallet.ledger.payments import Reimbursement, payments_of
from wallet.ledger.yearly import LedgerEntry
from wallet.models.bill import Bill, BillDocument

MEDICAL_TYPES = ("medical_outpatient", "medical_inpatient")


def unit_kind(unit_name: str) -> str:
    """Which kind of payer a reporting unit is, for the ledger's grouping (its name says it)."""
    if "医疗保障" in unit_name or "医保" in unit_name:
        return "医保经办机构"
    if "保险" in unit_name:
        return "商业保险"
    return "单位"


def reimbursements_in(status: Mapping[str, Any]) -> list[Reimbursement]:
    """Every reimbursement the network's status of a bill records, in the order it reports them."""
    records = status.get("records") or []
    return [
        Reimbursement(
            unit=str(record.get("unit_name") or record.get("unit_code") or "未知单位"),
            unit_kind=unit_kind(str(record.get("unit_name") or "")),
            amount=int(record["amount"]),
            voucher=str(record.get("voucher") or ""),
            at=as_utc(datetime.fromisoformat(record["time"].replace("Z", "+00:00"))) if record.get("time") else None,
        )
        for record in records
        if record.get("result") == "reimbursed" and int(record.get("amount") or 0) > 0
    ]


def ledger_entries(resident_id: int, person: str, year: int) -> list[LedgerEntry]:
    """The bills of ``resident_id`` issued in ``year`` that still stand: a red-reversed bill and
    the red bill that reversed it cancel out, so neither is an entry."""
    rows = db.session.execute(
        select(
            Bill.id,
            Bill.code,
            Bill.number,
            Bill.issuer_name,
            Bill.type_key,
            Bill.type_name,
            Bill.issued_at,
            Bill.status_json,
            BillDocument.canonical,
        )
        .join(BillDocument, and_(BillDocument.code == Bill.code, BillDocument.number == Bill.number))
        .where(
            Bill.resident_id == resident_id,
            Bill.issue_year == year,
            Bill.issuance != "red_reversed",
            Bill.total > 0,
        )
        .order_by(Bill.issued_at, Bill.id)
    ).all()
    return [
        LedgerEntry(
            bill_id=row.id,
            person=person,
            issuer=row.issuer_name,
            type_name=row.type_name,
            issued_on=to_local(row.issued_at).date(),
            medical=row.type_key in MEDICAL_TYPES,
            payments=payments_of(json.loads(row.canonical), reimbursements_in(json.loads(row.status_json))),
            code=row.code,
            number=row.number,
        )
        for row in rows
    ]


def ledger_years(resident_ids: list[int]) -> list[int]:
    """The years in which any of the holders has a bill, newest first."""
    years = db.session.scalars(select(Bill.issue_year).where(Bill.resident_id.in_(resident_ids)).distinct())
    return sorted(set(years), reverse=True)
