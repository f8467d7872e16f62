"""The signed document travels inside the PDF as an attachment, so the file alone proves authenticity."""

from __future__ import annotations

import base64
import binascii
import io
import json
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

ATTACHMENT = "fiscal-e-bill.json"
FORMAT = "fiscal-e-bill-envelope/1"


class InvalidPdf(ValueError):
    """The upload is not a PDF that can be read."""


@dataclass(frozen=True)
class SignedDocument:
    canonical: bytes
    alg: str
    kid: str
    signature: str


def envelope_bytes(canonical: bytes, signature: dict[str, str]) -> bytes:
    body = {"format": FORMAT, "canonical": base64.b64encode(canonical).decode("ascii"), "signature": signature}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def attach(pdf: bytes, canonical: bytes, signature: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(ATTACHMENT, envelope_bytes(canonical, signature))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _parse(raw: bytes) -> SignedDocument | None:
    try:
        body: Any = json.loads(raw)
        signature = body["signature"]
        canonical = base64.b64decode(body["canonical"], validate=True)
        fields = (signature["alg"], signature["kid"], signature["value"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    if body.get("format") != FORMAT or not all(isinstance(f, str) for f in fields):
        return None
    return SignedDocument(canonical, *fields)


def extract(pdf: bytes) -> SignedDocument | None:
    """The embedded signed document, or None when the PDF carries none; InvalidPdf when unreadable."""
    if not pdf.startswith(b"%PDF"):
        raise InvalidPdf("not a PDF")
    try:
        found = PdfReader(io.BytesIO(pdf)).attachments.get(ATTACHMENT)
    except PyPdfError as error:
        raise InvalidPdf("unreadable PDF") from error
    except Exception as error:  # a parser fed untrusted bytes may fail in any way; none of it is our fault
        raise InvalidPdf("unreadable PDF") from error
    if not found:
        return None
    return _parse(found[0])
