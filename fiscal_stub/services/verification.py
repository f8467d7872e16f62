"""Is this bill genuine? By the five elements, or by the signed document inside a layout file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from common.database import DbSession, write_transaction
from fiscal_stub import crypto
from fiscal_stub.layout.envelope import SignedDocument
from fiscal_stub.models import Bill
from fiscal_stub.services.issuing import find_bill
from fiscal_stub.services.keys import key_valid_at, public_key
from fiscal_stub.services.qr_codes import QrClaim

REASONS = {
    "not_found": "未查询到该票据，请核对票据代码和票据号码。",
    "mismatch": "票据信息与财政票据网络记录不一致，请核对校验码、开票日期和金额。",
    "no_signed_document": "文件中没有财政电子票据的签名数据，不是有效的电子票据版式文件。",
    "unknown_key": "签名所用的密钥未由财政部门公布，票据不可信。",
    "signature_invalid": "签名验证未通过，票据内容可能被篡改。",
    "qr_mac_invalid": "二维码签名无效，二维码可能被篡改。请改用五要素查验，或联系开票单位。",
}


@dataclass
class Verdict:
    authentic: bool
    reason: str = ""
    bill: Bill | None = None
    count: int = 0

    @property
    def message(self) -> str:
        return REASONS.get(self.reason, "")


def _counted(session: DbSession, bill: Bill) -> Verdict:
    """Count this verification (the national platform shows how often a bill was checked)."""
    write_transaction(session)
    count = session.execute(
        update(Bill)
        .where(Bill.id == bill.id)
        .values(verify_count=Bill.verify_count + 1)
        .returning(Bill.verify_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    session.commit()
    fresh = session.get(Bill, bill.id, populate_existing=True)
    return Verdict(True, bill=fresh, count=int(count))


def verify_elements(session: DbSession, code: str, number: str, check: str, date: str, amount: int) -> Verdict:
    bill = find_bill(session, code, number)
    if bill is None:
        return Verdict(False, "not_found")
    if (bill.check_code.lower(), bill.issue_date, bill.total) != (check.lower(), date, amount):
        return Verdict(False, "mismatch")
    return _counted(session, bill)


def verify_qr(session: DbSession, claim: QrClaim, date: str | None, amount: int | None) -> Verdict:
    """A network-minted QR code: its MAC, then every element it carries or the person added."""
    if not claim.mac_ok:
        return Verdict(False, "qr_mac_invalid")
    bill = find_bill(session, claim.code, claim.number)
    if bill is None:
        return Verdict(False, "not_found")
    day = claim.date or date
    fen = claim.amount_fen if claim.amount_fen is not None else amount
    if (
        bill.check_code.lower() != claim.check.lower()
        or (day is not None and day != bill.issue_date)
        or (fen is not None and fen != bill.total)
    ):
        return Verdict(False, "mismatch")
    return _counted(session, bill)


def verify_document(session: DbSession, signed: SignedDocument | None) -> Verdict:
    """Check the embedded signature against the published key, then the network's own record."""
    if signed is None:
        return Verdict(False, "no_signed_document")
    key = public_key(session, signed.kid)
    if key is None or key.alg != signed.alg:
        return Verdict(False, "unknown_key")
    if not crypto.verify(key.public_pem, signed.canonical, signed.signature):
        return Verdict(False, "signature_invalid")
    try:
        doc = json.loads(signed.canonical)
        code, number = str(doc["code"]), str(doc["number"])
        issued = datetime.fromisoformat(doc["issued_at"])
    except (ValueError, KeyError, TypeError):
        return Verdict(False, "no_signed_document")
    if key.province != code[:2] or not key_valid_at(key, issued):
        return Verdict(False, "unknown_key")
    bill = find_bill(session, code, number)
    if bill is None:
        return Verdict(False, "not_found")
    if bill.canonical != signed.canonical:
        return Verdict(False, "mismatch")
    return _counted(session, bill)
