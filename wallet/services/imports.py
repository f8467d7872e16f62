"""Adding a paper or offline bill to a resident's wallet once the fiscal network vouched for it.

Two steps, as the resident sees them: the result screen (:func:`review`) shows the verified
bill and offers "加入票据夹"; confirming (:func:`confirm`) adds it. Between the two the page
carries only a signed, short-lived token naming the resident and the bill, so nothing is
held on the server and nobody can confirm a bill they did not verify. Confirming fetches
the bill again (signature checked) and stores its freshest status.

The wallet holds a resident's own bills only: a bill whose payer is someone else is
refused, whatever else is right about it. Nothing is ever held twice: five elements that
match a bill in the wallet are answered from the wallet before the network is asked (no
check is spent on them), and a verified bill is matched on code and number. A bill a unit
has locked or booked (入账) is not taken in as a new one either: the result names the unit
and the time, and the bill reaches the wallet with its reimbursement record by collection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from common.database import write_transaction
from common.timeutil import to_local
from common.translatable import N_, gettext, lazy_gettext
from wallet import copy
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.resident import Resident
from wallet.refusals import Refusal
from wallet.scan.five_elements import FiveElements, InvalidFiveElements, parse_five_elements
from wallet.scan.payload import read_payload
from wallet.services import bill_store
from wallet.services.family_access import Acting, record_access
from wallet.services.sync import sync_state
from wallet.services.verification import Verification, VerifiedBill, fetch_verified, says_not_authentic

TOKEN_SALT = "wallet.bill-import"
TOKEN_MAX_AGE = 30 * 60

NOT_PAYER = Refusal(
    "not_payer",
    lazy_gettext(
        "这张票据的交款人不是您本人，不能加入您的票据夹。票据夹只收录您本人缴费的票据；"
        "如需报销他人的票据，请由交款人本人导入，或把版式文件直接交给报销单位查验。"
    ),
    403,
)
EXPIRED = Refusal(
    "import_expired", lazy_gettext("这次导入的确认已过期，请重新扫码、上传或输入五要素后再加入票据夹。"), 400
)
HELD_BY_UNIT = N_(
    "这张票据已由报销单位锁定或入账，不能作为新票据再导入。票据夹会自动归集您名下的电子票据，"
    "它和报销记录会一并出现在票据列表中。"
)


@dataclass(frozen=True)
class ImportReview:
    """What the result screen shows: the verification, why the bill cannot be added (if so),
    the resident's copy when it is already in the wallet, and the token that adds it."""

    verification: Verification
    refusal: Refusal | None = None
    existing_bill_id: int | None = None
    token: str | None = None
    # The wallet's own copy, when the typed or scanned five elements matched it (the network was not asked).
    held_bill: Bill | None = None
    # Which units locked or booked the bill, and when (then ``refusal`` says it cannot be added).
    held_by: tuple[UnitHold, ...] = ()

    @classmethod
    def already_held(cls, bill: Bill, elements: FiveElements) -> ImportReview:
        return cls(Verification(elements=elements), existing_bill_id=bill.id, held_bill=bill)

    @classmethod
    def refused(cls, refusal: Refusal) -> ImportReview:
        """A result screen that only says why (nothing was verified)."""
        return cls(Verification(refusal=refusal), refusal=refusal)

    @property
    def bill(self) -> VerifiedBill | None:
        return self.verification.bill

    @property
    def http_status(self) -> int:
        return self.refusal.status if self.refusal else 200

    @property
    def says_not_authentic(self) -> bool:
        return says_not_authentic(self.refusal)


@dataclass(frozen=True)
class ImportResult:
    bill_id: int | None = None
    added: bool = False
    refusal: Refusal | None = None


def review(resident: Resident, verification: Verification) -> ImportReview:
    """The result screen for a verification made on the resident's behalf; changes nothing."""
    bill = verification.bill
    if bill is None:
        return ImportReview(verification, refusal=verification.refusal)
    if not is_payer(resident, bill):
        # Another person's bill: say why, and show nothing of it (not even issuer or amount).
        return ImportReview.refused(NOT_PAYER)
    existing = existing_bill_id(resident.id, bill.code, bill.number)
    if existing is not None:
        return ImportReview(verification, existing_bill_id=existing)
    held_by = unit_holds(bill)
    if held_by:
        return ImportReview(verification, refusal=Refusal("held_by_unit", gettext(HELD_BY_UNIT), 409), held_by=held_by)
    token = _serializer().dumps({"resident": resident.id, "code": bill.code, "number": bill.number})
    return ImportReview(verification, token=token)


def confirm(
    resident: Resident, token: str, client: FiscalClient | None = None, on_behalf: Acting | None = None
) -> ImportResult:
    """Add the bill a review's token names; a bill already there is left as it is. ``on_behalf``: the
    guardian importing into a child's wallet, written to the child's access history."""
    try:
        claim = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
        code, number = str(claim["code"]), str(claim["number"])
        owner = int(claim["resident"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return ImportResult(refusal=EXPIRED)
    if owner != resident.id:
        return ImportResult(refusal=EXPIRED)
    existing = existing_bill_id(resident.id, code, number)
    if existing is not None:
        return ImportResult(bill_id=existing)
    db.session.commit()  # no read transaction is held across the network call
    verification = fetch_verified(code, number, client)
    if verification.bill is None:
        return ImportResult(refusal=verification.refusal)
    if not is_payer(resident, verification.bill):
        return ImportResult(refusal=NOT_PAYER)
    held_by = unit_holds(verification.bill)
    if held_by:
        named = "；".join(map(str, held_by))
        return ImportResult(refusal=Refusal("held_by_unit", f"{gettext(HELD_BY_UNIT)}（{named}）", 409))
    write_transaction(db.session)
    bill_store.upsert_bills([verification.bill.row(resident.id, source="imported")])
    sync_state(resident.id)
    bill_store.bump_change_seq(resident.id)
    added = existing_bill_id(resident.id, code, number)
    if on_behalf is not None and added is not None:
        record_access(on_behalf, added, "family_import")
    db.session.commit()
    return ImportResult(bill_id=added, added=True)


@dataclass(frozen=True)
class UnitHold:
    """One unit's hold on a bill at the network: a live lock (until when) or a booked reimbursement (when, how much)."""

    unit: str
    at: str
    amount: int | None = None

    def __str__(self) -> str:
        if self.amount is None:
            return gettext("%(unit)s正在办理报销，已锁定至 %(until)s", unit=self.unit, until=self.at)
        return gettext(
            "%(unit)s已于 %(at)s 入账报销 %(amount)s", unit=self.unit, at=self.at, amount=copy.money(self.amount)
        )


def unit_holds(bill: VerifiedBill) -> tuple[UnitHold, ...]:
    """Who holds the bill at the network: a unit's live lock, and every booked reimbursement."""
    status = bill.status
    holds = []
    if status.get("reimbursement") == "locked":
        holder = status.get("locked_by") or {}
        until = copy.minute(status.get("lock_expires_at")) or gettext("锁定期满")
        holds.append(UnitHold(str(holder.get("unit_name") or gettext("报销单位")), until))
    for record in status.get("records") or []:
        if record.get("result") == "reimbursed":
            at = copy.minute(record.get("recorded_at") or record.get("time"))
            holds.append(UnitHold(str(record.get("unit_name") or gettext("报销单位")), at, int(record["amount"])))
    return tuple(holds)


def held_copy(resident_id: int, fields: Mapping[str, object]) -> tuple[Bill, FiveElements] | None:
    """The resident's bill whose five elements are exactly these (read from typed fields), if any."""
    try:
        elements = parse_five_elements(fields)
    except InvalidFiveElements:
        return None
    bill = db.session.scalar(
        select(Bill).where(Bill.resident_id == resident_id, Bill.code == elements.code, Bill.number == elements.number)
    )
    if bill is None or not _same_elements(bill, elements):
        return None
    return bill, elements


def held_copy_of_qr(resident_id: int, text: str) -> tuple[Bill, FiveElements] | None:
    """As :func:`held_copy`, for the text of a scanned code that carries all five elements."""
    try:
        reading = read_payload(text)
    except Refusal:
        return None
    return None if reading.incomplete() is not None else held_copy(resident_id, reading.fields)


def _same_elements(bill: Bill, elements: FiveElements) -> bool:
    return (
        bill.check_code.lower() == elements.check
        and to_local(bill.issued_at).date() == elements.issued_on
        and bill.total == elements.amount_fen
    )


def is_payer(resident: Resident, bill: VerifiedBill) -> bool:
    return bool(bill.payer_id_number) and bill.payer_id_number == resident.id_number.upper()


def existing_bill_id(resident_id: int, code: str, number: str) -> int | None:
    return db.session.scalar(
        select(Bill.id).where(Bill.resident_id == resident_id, Bill.code == code, Bill.number == number)
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)
