"""What a bill's QR code says, both ways: the status-page URL it carries, and reading it back.

Real paper and electronic fiscal bills print several shapes (DOMAIN.md "QR codes on real
bills"; docs/qr-shapes.md): the national platform's ``/d?…&d=<code>_<number>_<check>_<amount>_<date>``
link on any host, its four-part variant without the amount, the older ``showInvoice`` link
without date and amount, bare lists joined by ``_``/``,``/``|``, a hospital system's
``code^number^check^<link>``, and this project's own ``/check?…`` link for the bills the
wallet prints. One reader turns each into the elements it carries and says which it lacks,
so an import can ask the person for those instead of refusing the bill.

Three kinds of refusal are told apart, because each asks something else of the person: a
code that is not a fiscal bill's at all, a VAT invoice's code (which the tax authority
checks, not the fiscal network), and a code shaped like a bill's that fails a rule
(damaged or misprinted; type the five elements). Nothing in a payload is trusted or
followed: it only says which bill to ask the network about.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from common.translatable import N_, gettext
from wallet.refusals import Refusal
from wallet.scan.five_elements import FIELDS, FiveElements, five_elements_errors, label, parse_five_elements

STATUS_PATH = "/check"
MAX_PAYLOAD_CHARS = 2048

NOT_A_BILL = N_("这不是财政电子票据的二维码。请扫描票据上的二维码，或手动输入五要素。")
DAMAGED = N_("二维码内容不完整或已损坏，请手动输入五要素。")
VAT_INVOICE = N_("这是增值税发票（含数电票）的二维码，不是财政电子票据。请到国家税务总局全国增值税发票查验平台查验。")
INCOMPLETE = N_("二维码中没有{missing}，请按纸质票据填写{missing}。")

_LIST_DELIMITERS = re.compile(r"\s*[_,|]\s*|\s+")
_DIGITS = re.compile(r"[0-9]+")
_ALNUM = re.compile(r"[0-9A-Za-z]+")
_DATE_LIKE = re.compile(r"[0-9]{8}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_AMOUNT_LIKE = re.compile(r"-?[0-9]+\.[0-9]+")
_VAT = re.compile(r"01,[0-9]{2},")  # 01,10 / 01,04 VAT invoices; 01,31 / 01,32 fully digital (数电票)
_H5_PARAMS = {"invoice_code": "code", "invoice_number": "number", "check_code": "check"}


@dataclass(frozen=True)
class QrReading:
    """The elements a bill's QR code carried, as text in form order, and the shape it had."""

    shape: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(name for name in FIELDS if name not in self.fields)

    def incomplete(self) -> Refusal | None:
        """``incomplete_bill_qr`` naming what the code did not carry, or None when it carries all five."""
        if not self.missing:
            return None
        names = "、".join(label(name) for name in self.missing)
        return Refusal(
            "incomplete_bill_qr",
            gettext(INCOMPLETE).format(missing=names),
            422,
            {name: gettext("二维码中没有%(field)s。", field=label(name)) for name in self.missing},
            missing=self.missing,
            read=dict(self.fields),
        )

    def elements(self) -> FiveElements:
        """The five elements, or ``incomplete_bill_qr`` naming what the code did not carry."""
        refused = self.incomplete()
        if refused is not None:
            raise refused
        return parse_five_elements(self.fields)


def build_payload_url(elements: FiveElements, base_url: str) -> str:
    """The text a bill the wallet prints carries: the status-page URL under ``base_url``."""
    return f"{base_url.rstrip('/')}{STATUS_PATH}?{urlencode(elements.as_fields())}"


def parse_payload(text: str) -> FiveElements:
    """The bill a QR text names with all five elements, or :class:`Refusal` with a Chinese reason."""
    return read_payload(text).elements()


def read_payload(text: str) -> QrReading:
    """What a QR text carries of a bill (possibly not every element), or why it names no bill."""
    payload = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
    if not payload or len(payload) > MAX_PAYLOAD_CHARS:
        raise Refusal("not_a_bill_qr", gettext(NOT_A_BILL), 422)
    if _VAT.match(payload):
        raise Refusal("vat_invoice_qr", gettext(VAT_INVOICE), 422)
    if "^" in payload:
        return _read_caret(payload)
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", payload):
        return _read_url(payload)
    return _read_list(payload)


def _read_url(payload: str) -> QrReading:
    try:
        parts = urlsplit(payload)
        query = parse_qs(parts.query, keep_blank_values=True)
    except ValueError:
        raise Refusal("not_a_bill_qr", gettext(NOT_A_BILL), 422) from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise Refusal("not_a_bill_qr", gettext(NOT_A_BILL), 422)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if last == STATUS_PATH.strip("/") and any(name in query for name in FIELDS):
        return _checked("status_page", {name: _single(query, name) for name in FIELDS if name in query})
    if last == "d" and "d" in query:
        return _read_joined("national_link", _single(query, "d").split("_"))
    if last.lower() == "showinvoice" and any(name in query for name in _H5_PARAMS):
        missing = [label(ours) for theirs, ours in _H5_PARAMS.items() if theirs not in query]
        if missing:
            raise Refusal(
                "malformed_bill_qr",
                gettext(DAMAGED),
                422,
                {"qr": gettext("二维码中缺少%(fields)s。", fields="、".join(missing))},
            )
        return _checked("h5_link", {ours: _single(query, theirs) for theirs, ours in _H5_PARAMS.items()})
    raise Refusal("not_a_bill_qr", gettext(NOT_A_BILL), 422)


def _single(query: dict[str, list[str]], name: str) -> str:
    values = query[name]
    if len(values) > 1:
        raise Refusal("malformed_bill_qr", gettext(DAMAGED), 422, {"qr": gettext("同一要素在二维码中出现了多次。")})
    return values[0].strip()


def _read_caret(payload: str) -> QrReading:
    """``code^number^check^<link>``: the three leading parts, completed by the link when it is a bill's."""
    head, _, link = payload.partition("^")
    parts = [head, *link.split("^", 2)]
    if len(parts) < 3 or not _bill_like(parts[:3]):
        raise Refusal("not_a_bill_qr", gettext(NOT_A_BILL), 422)
    fields = dict(zip(("code", "number", "check"), (part.strip() for part in parts[:3]), strict=True))
    if len(parts) == 4 and parts[3].strip():
        try:
            linked = read_payload(parts[3]).fields
        except Refusal as refused:
            if refused.code == "malformed_bill_qr":
                raise
            linked = {}
        clash = [name for name in fields if name in linked and linked[name].lower() != fields[name].lower()]
        if clash:
            raise Refusal(
                "malformed_bill_qr",
                DAMAGED,
                422,
                {name: gettext("二维码中的%(field)s前后不一致。", field=label(name)) for name in clash},
            )
        fields = {**linked, **fields}
    return _checked("caret_list", fields)


def _read_list(payload: str) -> QrReading:
    parts = [part for part in _LIST_DELIMITERS.split(payload) if part]
    if len(parts) not in (4, 5) or not _bill_like(parts[:3]):
        raise Refusal("not_a_bill_qr", gettext(NOT_A_BILL), 422)
    return _read_joined("list", parts)


def _read_joined(shape: str, parts: list[str]) -> QrReading:
    """Code, number and check, then the amount and/or the date, told apart by their form.

    The real order puts the amount before the date; this project's own lists put the date
    first. Each of the last parts is recognised by its form, so both orders read alike,
    and a four-part code (no amount, as some provinces print) is a partial reading.
    """
    parts = [part.strip() for part in parts]
    if len(parts) not in (4, 5):
        raise Refusal("malformed_bill_qr", gettext(DAMAGED), 422, {"qr": gettext("二维码中的票据信息段数不对。")})
    fields = dict(zip(("code", "number", "check"), parts[:3], strict=True))
    rest, unplaced = parts[3:], []
    for part in rest:
        if _DATE_LIKE.fullmatch(part) and "date" not in fields:
            fields["date"] = part
        elif _AMOUNT_LIKE.fullmatch(part) and "amount" not in fields:
            fields["amount"] = part
        else:
            unplaced.append(part)
    # What fits neither form takes the place the real order gives it, and then fails that element's rule.
    slots = [name for name in (("amount", "date") if len(rest) == 2 else ("date",)) if name not in fields]
    fields.update(zip(slots, unplaced, strict=False))
    return _checked(shape, fields)


def _bill_like(parts: list[str]) -> bool:
    """Code, number and check code in roughly their form: digits, digits, a short run of letters/digits."""
    code, number, check = (part.strip() for part in parts[:3])
    return bool(
        _DIGITS.fullmatch(code)
        and _DIGITS.fullmatch(number)
        and _ALNUM.fullmatch(check)
        and 6 <= len(code) <= 10
        and 8 <= len(number) <= 12
        and 4 <= len(check) <= 8
    )


def _checked(shape: str, fields: dict[str, str]) -> QrReading:
    """The reading, once every element the code carries has passed its rule."""
    errors = {name: message for name, message in five_elements_errors(fields).items() if name in fields}
    if errors:
        raise Refusal("malformed_bill_qr", f"{gettext(DAMAGED)}（{''.join(errors.values())}）", 422, errors)
    return QrReading(shape, {name: fields[name] for name in FIELDS if name in fields})
