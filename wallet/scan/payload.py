"""What a bill's QR code says, both ways: the status-page URL it carries, and reading it back.

The QR text format is this project's convention (DOMAIN.md): a URL to the wallet's public
status page with the five elements as query parameters, so any phone camera lands on the
right page. A plain delimited string of the five elements is read too, because issuers
outside the convention print one. Nothing here trusts the payload: it only says which
bill the code names; the fiscal network says whether that bill is real.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from wallet.scan.five_elements import (
    FIELDS,
    LABELS,
    FiveElements,
    InvalidFiveElements,
    parse_five_elements,
)

STATUS_PATH = "/check"
MAX_PAYLOAD_CHARS = 2048
_DELIMITERS = re.compile(r"[,，|｜\s]+")
_DIGITS = re.compile(r"[0-9]+")

NOT_A_BILL = "这不是财政电子票据的二维码。请扫描票据上的二维码，或手动输入五要素。"
MALFORMED = "二维码中的票据信息有误：{details} 请核对纸质票据后手动输入五要素。"
INCOMPLETE = "二维码缺少{missing}，无法识别票据。请手动输入五要素。"


class PayloadRefused(ValueError):
    """A QR text that names no bill. ``code`` is stable for callers, ``message`` is for people.

    ``code`` is ``not_a_bill_qr`` for foreign codes and ``malformed_bill_qr`` when the text is
    shaped like a bill's code but an element is missing or wrong (``errors`` then says which).
    """

    def __init__(self, code: str, message: str, errors: dict[str, str] | None = None) -> None:
        self.code = code
        self.message = message
        self.errors = errors or {}
        super().__init__(message)


def build_payload_url(elements: FiveElements, base_url: str) -> str:
    """The text a bill's QR code carries: the status-page URL under ``base_url``."""
    return f"{base_url.rstrip('/')}{STATUS_PATH}?{urlencode(elements.as_fields())}"


def parse_payload(text: str) -> FiveElements:
    """The bill a QR text names, or :class:`PayloadRefused` with a Chinese reason."""
    payload = text.strip() if isinstance(text, str) else ""
    if not payload or len(payload) > MAX_PAYLOAD_CHARS:
        raise PayloadRefused("not_a_bill_qr", NOT_A_BILL)
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", payload):
        return _parse_url(payload)
    return _parse_delimited(payload)


def _parse_url(payload: str) -> FiveElements:
    try:
        parts = urlsplit(payload)
    except ValueError:
        raise PayloadRefused("not_a_bill_qr", NOT_A_BILL) from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise PayloadRefused("not_a_bill_qr", NOT_A_BILL)
    if not parts.path.rstrip("/").endswith(STATUS_PATH):
        raise PayloadRefused("not_a_bill_qr", NOT_A_BILL)
    query = parse_qs(parts.query, keep_blank_values=True)
    present = [field for field in FIELDS if field in query]
    if not present:
        raise PayloadRefused("not_a_bill_qr", NOT_A_BILL)
    if any(len(query[field]) > 1 for field in present):
        raise PayloadRefused("malformed_bill_qr", MALFORMED.format(details="同一要素出现了多次。"))
    missing = [field for field in FIELDS if field not in query]
    if missing:
        names = "、".join(LABELS[field] for field in missing)
        raise PayloadRefused("malformed_bill_qr", INCOMPLETE.format(missing=names),
                             {field: f"二维码中没有{LABELS[field]}。" for field in missing})
    return _elements({field: query[field][0] for field in FIELDS})


def _parse_delimited(payload: str) -> FiveElements:
    parts = [part for part in _DELIMITERS.split(payload) if part]
    if len(parts) != len(FIELDS) or not (_DIGITS.fullmatch(parts[0]) and _DIGITS.fullmatch(parts[1])):
        raise PayloadRefused("not_a_bill_qr", NOT_A_BILL)
    return _elements(dict(zip(FIELDS, parts)))


def _elements(fields: dict[str, str]) -> FiveElements:
    try:
        return parse_five_elements(fields)
    except InvalidFiveElements as invalid:
        raise PayloadRefused("malformed_bill_qr", MALFORMED.format(details="".join(invalid.errors.values())),
                             invalid.errors) from None
