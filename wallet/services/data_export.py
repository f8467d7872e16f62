"""Everything the wallet holds about one resident, packed into a zip they can take away.

The worker builds it (:mod:`wallet.services.export_jobs`), never a web request: layout
files come from the fiscal network one by one, which takes long for many bills. The archive
is written to a temporary file, never held whole in memory. A layout file the network cannot
serve right now is left out and named in ``missing-pdfs.json``, so a slow or failing network
never costs the resident the rest of their data.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import select

from common.timeutil import utcnow
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.models import AccessEvent, AuthorizationReceipt, Bill, BillEvent, Claim, Notification, Resident
from wallet.services import receipts as receipt_signing


@dataclass(frozen=True)
class ExportSummary:
    bills: int
    pdfs: int
    missing_pdfs: int


def _at(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode()


def account_record(resident: Resident) -> dict[str, Any]:
    """Masked forms (as pages show them) and, because this is the person's own copy, the full ones."""
    return {
        "masked": {"name": resident.masked_name, "id_number": resident.masked_id_number},
        "identity": {"name": resident.name, "id_number": resident.id_number},
        "activated_at": _at(resident.activated_at),
        "terms_version": resident.terms_version,
        "terms_accepted_at": _at(resident.terms_accepted_at),
        "last_login_at": _at(resident.last_login_at),
        "exported_at": _at(utcnow()),
    }


def bill_records(resident_id: int) -> list[dict[str, Any]]:
    bills = list(
        db.session.scalars(select(Bill).where(Bill.resident_id == resident_id).order_by(Bill.issued_at, Bill.id))
    )
    events: dict[int, list[dict[str, Any]]] = {}
    for event in db.session.scalars(
        select(BillEvent)
        .join(Bill, Bill.id == BillEvent.bill_id)
        .where(Bill.resident_id == resident_id)
        .order_by(BillEvent.at, BillEvent.id)
    ):
        events.setdefault(event.bill_id, []).append(
            {"type": event.type, "at": _at(event.at), "detail": json.loads(event.detail_json)}
        )
    return [
        {
            "code": b.code,
            "number": b.number,
            "check_code": b.check_code,
            "province": b.province,
            "type_key": b.type_key,
            "type_name": b.type_name,
            "issuer_name": b.issuer_name,
            "issued_at": _at(b.issued_at),
            "total_fen": b.total,
            "reimbursed_fen": b.reimbursed_amount,
            "issuance": b.issuance,
            "reimbursement": b.reimbursement,
            "status": json.loads(b.status_json),
            "source": b.source,
            "collected_at": _at(b.collected_at),
            "signature": {"alg": b.signature_alg, "kid": b.signature_kid, "value": b.signature_value},
            "document": json.loads(b.canonical),
            "events": events.get(b.id, []),
        }
        for b in bills
    ]


def authorization_records(resident_id: int) -> dict[str, Any]:
    auths = db.session.scalars(
        select(Claim)
        .where(Claim.resident_id == resident_id, Claim.source == "account")
        .order_by(Claim.created_at, Claim.id)
    )
    receipts = db.session.scalars(
        select(AuthorizationReceipt)
        .where(AuthorizationReceipt.resident_id == resident_id)
        .order_by(AuthorizationReceipt.created_at, AuthorizationReceipt.id)
    )
    return {
        "authorizations": [
            {
                "id": a.id,
                "receipt_id": a.receipt_id,
                "bill": f"{a.bill.code}-{a.bill.number}",
                "unit": {"name": a.unit.name, "credit_code": a.unit.credit_code},
                "state": a.state,
                "state_name": a.state_name,
                "claim_ref": a.claim_ref,
                "note": a.note,
                "created_at": _at(a.created_at),
                "expires_at": _at(a.expires_at),
                "locked_at": _at(a.locked_at),
                "closed_at": _at(a.closed_at),
                "end_reason": a.end_reason,
                "reimbursed_fen": a.amount,
                "reimbursed_at": _at(a.reimbursed_at),
            }
            for a in auths
        ],
        "receipts": [
            {
                "id": r.id,
                "created_at": _at(r.created_at),
                "document": json.loads(r.canonical),
                "signature": {"alg": r.signature_alg, "kid": r.signature_kid, "value": r.signature_value},
                "jws": receipt_signing.compact(r.canonical, r.signature_alg, r.signature_kid, r.signature_value),
            }
            for r in receipts
        ],
    }


def access_records(resident_id: int) -> list[dict[str, Any]]:
    events = db.session.scalars(
        select(AccessEvent).where(AccessEvent.resident_id == resident_id).order_by(AccessEvent.at, AccessEvent.id)
    )
    return [
        {
            "at": _at(e.at),
            "unit": e.unit.name if e.unit else None,
            "share_link": e.share_link_id,
            "family_member": e.actor_label or None,
            "bill": f"{e.bill.code}-{e.bill.number}",
            "kind": e.kind,
            "amount_fen": e.amount,
            "detail": e.detail,
        }
        for e in events
    ]


def notification_records(resident_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Notification).where(Notification.resident_id == resident_id).order_by(Notification.at, Notification.id)
    )
    return [
        {"at": _at(n.at), "kind": n.kind, "title": n.title, "body": n.body, "read_at": _at(n.read_at)} for n in rows
    ]


Progress = Callable[[int, int], None]


def build_export(resident: Resident, client: FiscalClient, progress: Progress) -> tuple[IO[bytes], ExportSummary]:
    """The zip in a rewound temporary file (the caller reads and closes it) and what went in.

    ``progress(done, total)`` is called before the first layout file and after each one, so
    the resident's page can show how far a long export has come.
    """
    bills = bill_records(resident.id)
    out = tempfile.TemporaryFile()
    missing: list[dict[str, str]] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", _json(account_record(resident)))
        archive.writestr("bills.json", _json(bills))
        archive.writestr("authorizations.json", _json(authorization_records(resident.id)))
        archive.writestr("access-history.json", _json(access_records(resident.id)))
        archive.writestr("notifications.json", _json(notification_records(resident.id)))
        progress(0, len(bills))
        for done, bill in enumerate(bills, start=1):
            try:
                pdf = client.layout_file(bill["code"], bill["number"])
            except (FiscalError, FiscalUnavailable):
                missing.append(
                    {
                        "code": bill["code"],
                        "number": bill["number"],
                        "reason": "全国财政电子票据网络暂时无法提供版式文件，请稍后重新导出。",
                    }
                )
            else:
                archive.writestr(f"pdfs/{bill['code']}-{bill['number']}.pdf", pdf, compress_type=zipfile.ZIP_STORED)
            progress(done, len(bills))
        if missing:
            archive.writestr("missing-pdfs.json", _json(missing))
    out.seek(0)
    return out, ExportSummary(len(bills), len(bills) - len(missing), len(missing))
