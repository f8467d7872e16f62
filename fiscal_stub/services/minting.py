"""Turning drafts into signed bills: numbers, canonical documents, signatures, first events.

One path serves the issuer API, red reversal and the bulk generator, so every bill in
the network was made the same way.
"""

from __future__ import annotations

import secrets
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from common.canonical_json import canonical_json
from common.claimable import claimable_total
from common.database import DbSession
from common.timeutil import to_local
from fiscal_stub.generator.content import Content
from fiscal_stub.generator.standard_fields import gender_of
from fiscal_stub.models import Bill, FeedbackRecord, StatusEvent
from fiscal_stub.reference.bill_types import BillType
from fiscal_stub.reference.provinces import BY_CODE
from fiscal_stub.services.events import event_row
from fiscal_stub.services.keys import Signer, current_signer
from fiscal_stub.services.present import bill_status, record_json
from fiscal_stub.services.sequences import EVENTS, allocate, allocate_many, number_counter

FORMAT = "fiscal-e-bill/1"
CHECK_ALPHABET = string.ascii_lowercase + string.digits


def new_check_code() -> str:
    return "".join(secrets.choice(CHECK_ALPHABET) for _ in range(6))


@dataclass
class Claim:
    """A reimbursement already made before the data was loaded (generated history)."""

    unit_code: str
    unit_name: str
    amount: int
    serial: str
    voucher: str
    at: datetime


@dataclass
class Draft:
    bill_type: BillType
    province: str
    issuer_code: str
    issuer_name: str
    payer_type: str
    payer_name: str
    payer_id_number: str
    issued_at: datetime
    check: str
    content: Content
    red_of: dict[str, str] | None = None
    claims: list[Claim] = field(default_factory=list)
    number: str | None = None  # taken from the issuing unit's batch; else the code's next number

    @property
    def code(self) -> str:
        return self.bill_type.code_for(self.province, to_local(self.issued_at).year)


def document(draft: Draft, number: str) -> dict[str, Any]:
    province = BY_CODE[draft.province]
    bill_type = draft.bill_type
    return {
        "format": FORMAT,
        "name": bill_type.bill_name(province.name),
        "type": {
            "key": bill_type.key,
            "name": bill_type.name,
            "classification": bill_type.classification,
            "kind": bill_type.kind,
        },
        "code": draft.code,
        "number": number,
        "check": draft.check,
        "issued_at": to_local(draft.issued_at).isoformat(timespec="seconds"),
        "province": {"code": province.code, "name": province.name},
        "total": draft.content.total,
        "issuer": {"name": draft.issuer_name, "code": draft.issuer_code},
        "serial": draft.content.serial,
        "payer": {
            "type": draft.payer_type,
            "name": draft.payer_name,
            "id_number": draft.payer_id_number,
            "gender": gender_of(draft.payer_id_number) if draft.payer_type == "个人" else None,
        },
        "remark": draft.content.remark,
        "handler": draft.content.handler,
        "reviewer": draft.content.reviewer,
        "items": draft.content.items,
        "medical": draft.content.medical,
        "seals": [
            {"role": "issuer", "name": f"{draft.issuer_name}财务专用章", "holder_code": draft.issuer_code},
            {
                "role": "supervision",
                "name": f"{province.finance_department}财政票据监制章",
                "holder_code": province.code,
            },
        ],
        "red_of": draft.red_of,
    }


def _bill_row(draft: Draft, number: str, signer: Signer, event_id: int) -> dict[str, Any]:
    body = document(draft, number)
    canonical = canonical_json(body)
    return {
        "code": draft.code,
        "number": number,
        "check_code": draft.check,
        "province": draft.province,
        "type_key": draft.bill_type.key,
        "issued_at": draft.issued_at,
        "issue_date": to_local(draft.issued_at).strftime("%Y%m%d"),
        "total": draft.content.total,
        "claimable": claimable_total(body),
        "payer_id_number": draft.payer_id_number,
        "payer_name": draft.payer_name,
        "issuer_code": draft.issuer_code,
        "canonical": canonical,
        "sig_alg": signer.alg,
        "sig_kid": signer.kid,
        "sig_value": signer.sign(canonical),
        "issuance": "normal",
        "original_code": draft.red_of["code"] if draft.red_of else None,
        "original_number": draft.red_of["number"] if draft.red_of else None,
        "red_code": None,
        "red_number": None,
        "exchanged_at": None,
        "lock_unit_code": None,
        "lock_unit_name": None,
        "lock_platform": None,
        "lock_expires_at": None,
        "reimbursed": 0,
        "version": 1,
        "last_event_id": event_id,
        "verify_count": 0,
        "writeoff": None,
    }


def _history(bill: Any, claims: list[Claim], first_event: int, platform: str) -> tuple[list[dict], list[dict]]:
    """Events and feedback rows for claims made in the past: each is a lock, then its feedback."""
    events: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    shown: list[dict[str, Any]] = []
    for index, claim in enumerate(claims):
        locked_at = claim.at - timedelta(days=2)
        bill.lock_unit_code, bill.lock_unit_name, bill.lock_platform = claim.unit_code, claim.unit_name, platform
        bill.lock_expires_at = locked_at + timedelta(days=7)
        bill.version += 1
        events.append(
            event_row(first_event + 2 * index, "locked", bill, bill_status(bill, list(shown), locked_at), locked_at)
        )
        record = {
            "unit_code": claim.unit_code,
            "unit_name": claim.unit_name,
            "platform": platform,
            "serial": claim.serial,
            "voucher": claim.voucher,
            "amount": claim.amount,
            "result": "reimbursed",
            "reported_at": claim.at,
            "recorded_at": claim.at,
        }
        shown.append(record_json(SimpleNamespace(**record)))
        records.append(record)
        bill.lock_unit_code = bill.lock_unit_name = bill.lock_platform = bill.lock_expires_at = None
        bill.reimbursed += claim.amount
        bill.version += 1
        events.append(
            event_row(first_event + 2 * index + 1, "feedback", bill, bill_status(bill, list(shown), claim.at), claim.at)
        )
    bill.last_event_id = first_event + 2 * len(claims) - 1 if claims else bill.last_event_id
    return events, records


def store(session: DbSession, drafts: list[Draft], platform: str = "15") -> list[tuple[str, str]]:
    """Number, sign and insert ``drafts`` inside the caller's transaction; returns (code, number) pairs.

    Generated history (``Draft.claims``) is written as it would have happened: the bill's
    final status, and a lock and a feedback event per claim after its ``issued`` event.
    """
    first_event = allocate(session, EVENTS, sum(1 + 2 * len(d.claims) for d in drafts))
    codes = [d.code for d in drafts]
    to_number = Counter(code for code, d in zip(codes, drafts, strict=True) if d.number is None)
    firsts = allocate_many(session, {number_counter(code): n for code, n in to_number.items()})
    numbers = {code: firsts[number_counter(code)] for code in to_number}
    signers = {p: current_signer(session, p) for p in sorted({d.province for d in drafts})}
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    pending: list[list[dict[str, Any]]] = []
    event_id = first_event
    for draft, code in zip(drafts, codes, strict=True):
        if draft.number is not None:
            number = draft.number
        else:
            number = f"{numbers[code]:010d}"
            numbers[code] += 1
        row = _bill_row(draft, number, signers[draft.province], event_id)
        bill = SimpleNamespace(**row)
        events.append(event_row(event_id, "issued", bill, bill_status(bill, [], draft.issued_at), draft.issued_at))
        more_events, records = _history(bill, draft.claims, event_id + 1, platform)
        events += more_events
        pending.append(records)
        row.update(reimbursed=bill.reimbursed, version=bill.version, last_event_id=bill.last_event_id)
        rows.append(row)
        event_id += 1 + 2 * len(draft.claims)
    bills = Bill.__table__
    ids = session.execute(bills.insert().returning(bills.c.id, sort_by_parameter_order=True), rows).scalars().all()
    session.execute(StatusEvent.__table__.insert(), events)
    records = [{**record, "bill_id": bill_id} for bill_id, group in zip(ids, pending, strict=True) for record in group]
    if records:
        session.execute(FeedbackRecord.__table__.insert(), records)
    return [(row["code"], row["number"]) for row in rows]
