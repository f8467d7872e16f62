"""Is this bill genuine, and what is its status? One answer for every way a bill is presented.

Residents importing a paper bill, anyone on the public status page and units verifying a
bill handed over in file mode all come here with what they hold — five elements, a QR
code's text, a photo of the bill, or its layout PDF — and get back a :class:`Verification`:
the verified bill and its live status, or a :class:`Refusal` with a stable code, a Chinese
message that says what to do next, and the HTTP status a page or API answers with.

The fiscal network gives the verdict; the bill it returns is trusted only after its
signature checks out against the issuing province's published key. Checks by five
elements count towards the per-bill daily limit before the network is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.refusals import Refusal
from wallet.scan.five_elements import FiveElements, InvalidFiveElements, parse_five_elements, shanghai_today
from wallet.scan.payload import QrReading, read_payload
from wallet.scan.photo import decode_bill_photo, sniff_image_format
from wallet.scan.scanned_pdf import pictures_in
from wallet.services import bill_store, check_counts
from wallet.services.signatures import BillRejected, verify_bill

LAYOUT_MAX_BYTES = 10 * 1024 * 1024  # the network's own limit for layout files

NOT_AUTHENTIC = frozenset(
    {"not_found", "mismatch", "no_signed_document", "signature_invalid", "unknown_key", "qr_mac_invalid"}
)
NETWORK_ERRORS = {
    "bill_not_found": "not_found",
    "invalid_pdf": "invalid_pdf",
    "http_413": "layout_too_large",
    "invalid_elements": "invalid_elements",
}


def says_not_authentic(refusal: Refusal | None) -> bool:
    """The network looked and the bill is not genuine (as opposed to bad input or an outage)."""
    return refusal is not None and refusal.code in NOT_AUTHENTIC


@dataclass(frozen=True)
class VerifiedBill:
    """A bill the network vouched for, with its signature checked: the signed document as read
    from the exact signed bytes, and the live status the issuing province holds."""

    item: dict[str, Any]
    canonical: bytes
    document: dict[str, Any]
    verify_count: int = 0
    checks_today: int = 0

    @property
    def code(self) -> str:
        return str(self.document["code"])

    @property
    def number(self) -> str:
        return str(self.document["number"])

    @property
    def status(self) -> dict[str, Any]:
        return dict(self.item["status"])

    @property
    def total(self) -> int:
        return int(self.document["total"])

    @property
    def payer_id_number(self) -> str:
        return str((self.document.get("payer") or {}).get("id_number", "")).upper()

    @property
    def is_red(self) -> bool:
        return self.total < 0 or bool(self.document.get("red_of"))

    @property
    def reimbursable(self) -> bool:
        """Whether a unit could take this bill for reimbursement now: never a red, red-reversed
        or exchanged bill; not while another unit holds it locked; not once fully reimbursed."""
        status = self.status
        return (
            not self.is_red
            and status["issuance"] == "normal"
            and status["reimbursement"] in {"unreimbursed", "partially_reimbursed"}
        )

    def row(self, resident_id: int, source: str = "imported") -> dict[str, Any]:
        """The wallet's ``bills`` row for this bill (see ``bill_store.upsert_bills``)."""
        return bill_store.bill_row(resident_id, self.canonical, self.document, self.item, source=source)


@dataclass(frozen=True)
class Verification:
    """The answer: exactly one of ``bill`` and ``refusal`` is set. ``elements`` is what was
    asked about, when known (to fill the form in again)."""

    bill: VerifiedBill | None = None
    refusal: Refusal | None = None
    elements: FiveElements | None = None

    @property
    def ok(self) -> bool:
        return self.bill is not None

    @property
    def says_not_authentic(self) -> bool:
        return says_not_authentic(self.refusal)


def verify_elements(
    fields: Mapping[str, object] | FiveElements, client: FiscalClient | None = None, qr_text: str | None = None
) -> Verification:
    """Verify typed five elements (text fields ``code``/``number``/``check``/``date``/``amount``).

    ``qr_text`` is the QR code they came from (some typed by the person where the code
    lacked them): the network checks the code's own MAC too when it minted the code.
    """
    try:
        elements = fields if isinstance(fields, FiveElements) else parse_five_elements(fields)
    except InvalidFiveElements as invalid:
        return Verification(refusal=Refusal.of("invalid_elements", invalid.errors))
    return _answer(lambda: _by_elements(elements, client or FiscalClient.from_app(), qr_text), elements)


def verify_qr_text(
    text: str, client: FiscalClient | None = None, added: Mapping[str, str] | None = None
) -> Verification:
    """Verify the bill a QR code's text names, in any shape real bills print (wallet.scan.payload).

    ``added`` holds elements a person typed where the code lacks them (date, amount); what
    the code carries itself always wins.
    """
    try:
        reading = read_payload(text)
    except Refusal as refused:
        return Verification(refusal=refused)
    if added:
        reading = QrReading(reading.shape, {**{k: v for k, v in added.items() if v}, **reading.fields})
    return _verify_reading(reading, text, client)


def verify_photo(data: bytes, client: FiscalClient | None = None) -> Verification:
    """Verify the bill whose QR code a photo shows (JPEG, PNG, WebP or HEIC)."""
    try:
        decoded = decode_bill_photo(data)
    except Refusal as refused:
        return Verification(refusal=refused)
    return _verify_reading(decoded.reading, decoded.text, client)


def _verify_reading(reading: QrReading, text: str, client: FiscalClient | None) -> Verification:
    """A code with every element is verified at once; one without some asks for them (422)."""
    incomplete = reading.incomplete()
    if incomplete is not None:
        incomplete.details["qr_text"] = text.strip()
        return Verification(refusal=incomplete)
    return verify_elements(reading.fields, client, qr_text=text.strip())


def verify_layout(pdf: bytes, client: FiscalClient | None = None) -> Verification:
    """Verify a layout file: the network checks its embedded signed document and live status.

    A PDF without a signed document (a scanned paper bill) is read for the bill's QR code
    instead, like a photo; without a readable code the network's refusal stands.
    """
    if not pdf.startswith(b"%PDF-"):
        return Verification(refusal=Refusal.of("unsupported_file"))
    if len(pdf) > LAYOUT_MAX_BYTES:
        return Verification(refusal=Refusal.of("layout_too_large"))
    client = client or FiscalClient.from_app()
    result = _answer(lambda: _by_layout(pdf, client))
    if result.refusal is not None and result.refusal.code == "no_signed_document":
        return _by_scanned_pdf(pdf, client) or result
    return result


def _by_scanned_pdf(pdf: bytes, client: FiscalClient) -> Verification | None:
    for picture in pictures_in(pdf):
        try:
            decoded = decode_bill_photo(picture)
        except Refusal:
            continue
        return _verify_reading(decoded.reading, decoded.text, client)
    return None


def verify_file(data: bytes, client: FiscalClient | None = None) -> Verification:
    """An uploaded file of either kind, told apart by its own bytes, never by its name or type."""
    if data.startswith(b"%PDF-"):
        return verify_layout(data, client)
    if sniff_image_format(data) is not None:
        return verify_photo(data, client)
    return Verification(refusal=Refusal.of("unsupported_file"))


def fetch_verified(code: str, number: str, client: FiscalClient | None = None) -> Verification:
    """The bill by code and number with its live status, signature checked; no check is counted.

    For callers that already verified the bill moments ago (a resident confirming an import).
    """
    client = client or FiscalClient.from_app()
    return _answer(lambda: _trusted(client.bill(code, number), client, verify_count=0))


def _answer(work: Callable[[], VerifiedBill], elements: FiveElements | None = None) -> Verification:
    try:
        return Verification(bill=work(), elements=elements)
    except Refusal as refused:
        return Verification(refusal=refused, elements=elements)
    except FiscalUnavailable:
        return Verification(refusal=Refusal.of("network_unavailable"), elements=elements)
    except FiscalError as error:
        return Verification(refusal=_network_refusal(error), elements=elements)


def _by_elements(elements: FiveElements, client: FiscalClient, qr_text: str | None = None) -> VerifiedBill:
    today = _count_check(elements.code, elements.number)
    reply = client.verify(elements.as_fields(), qr=qr_text)
    if not reply.get("authentic"):
        raise _verdict(reply)
    bill = _trusted(reply.get("bill"), client, int(reply.get("verify_count") or 0), today)
    if (bill.code, bill.number) != (elements.code, elements.number):
        raise Refusal.of("bill_rejected")
    return bill


def _by_layout(pdf: bytes, client: FiscalClient) -> VerifiedBill:
    """Counted once the network names the bill: a file's bill is not known before."""
    reply = client.verify_layout(pdf)
    if not reply.get("authentic"):
        raise _verdict(reply)
    bill = _trusted(reply.get("bill"), client, int(reply.get("verify_count") or 0))
    today = _count_check(bill.code, bill.number)
    return VerifiedBill(bill.item, bill.canonical, bill.document, bill.verify_count, today)


def too_many_checks() -> Refusal:
    """Today's checks of this bill are used up: say how many a day are allowed and when checking opens again."""
    reopens = shanghai_today() + timedelta(days=1)
    return Refusal.of("too_many_checks", limit=check_counts.daily_limit(), reopens=f"{reopens:%Y-%m-%d}")


def _count_check(code: str, number: str) -> int:
    today = check_counts.count_check(code, number)
    if today is None:
        raise too_many_checks()
    return today


def _trusted(item: Any, client: FiscalClient, verify_count: int, checks_today: int = 0) -> VerifiedBill:
    """The served bill once its signature is proven; nothing of it is read before that."""
    if not isinstance(item, dict) or not isinstance(item.get("status"), dict):
        raise Refusal.of("bill_rejected")
    try:
        canonical, document = verify_bill(item, client)
    except BillRejected:
        raise Refusal.of("bill_rejected") from None
    return VerifiedBill(item, canonical, document, verify_count, checks_today)


def _verdict(reply: dict[str, Any]) -> Refusal:
    """The network's "not authentic", by its reason (an unknown reason reads as a mismatch)."""
    reason = reply.get("reason")
    return Refusal.of(reason if reason in NOT_AUTHENTIC else "mismatch")


def _network_refusal(error: FiscalError) -> Refusal:
    return Refusal.of(NETWORK_ERRORS.get(error.code, "network_refused"))
