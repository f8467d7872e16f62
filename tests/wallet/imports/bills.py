"""Bills as a resident holds them: issued by the stub, then read off as five elements, QR text or PDF."""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime
from typing import Any

import requests
from pypdf import PdfReader, PdfWriter

from common.canonical_json import canonical_json
from tests.support.network import Network
from wallet.scan.five_elements import FiveElements
from wallet.scan.payload import build_payload_url

ISSUER_TOKEN = "dev-only-issuer-token"
ATTACHMENT = "fiscal-e-bill.json"


def document_of(item: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(item["canonical"]))


def elements_of(item: dict[str, Any]) -> FiveElements:
    """What is printed on the bill: its five elements, the issue date in Beijing time."""
    doc = document_of(item)
    return FiveElements(
        code=doc["code"],
        number=doc["number"],
        check=doc["check"],
        issued_on=datetime.fromisoformat(doc["issued_at"]).date(),
        amount_fen=int(doc["total"]),
    )


def fields_of(item: dict[str, Any], **changes: str) -> dict[str, str]:
    return {**elements_of(item).as_fields(), **changes}


def qr_text_of(item: dict[str, Any], base_url: str) -> str:
    return build_payload_url(elements_of(item), base_url)


def issuer(net: Network, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """Act as the issuing unit's system (red-reverse, exchange)."""
    response = requests.request(
        method, f"{net.api}/issuer{path}", timeout=10, headers={"Authorization": f"Bearer {ISSUER_TOKEN}"}, **kwargs
    )
    response.raise_for_status()
    return response.json()


def red_reverse(net: Network, item: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the original, now red-reversed; the new red bill)."""
    body = issuer(net, "POST", f"/bills/{item['code']}/{item['number']}/red-reverse", json={"reason": "退费"})
    return body["bill"], body["red_bill"]


def exchange(net: Network, item: dict[str, Any]) -> dict[str, Any]:
    return issuer(net, "POST", f"/bills/{item['code']}/{item['number']}/exchange")["bill"]


def layout_pdf(net: Network, item: dict[str, Any]) -> bytes:
    response = net.platform("GET", f"/bills/{item['code']}/{item['number']}.pdf")
    response.raise_for_status()
    return response.content


def with_attachment(pdf: bytes, envelope: bytes | None) -> bytes:
    """The same pages with the signed-document attachment replaced (or left out when None)."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    if envelope is not None:
        writer.add_attachment(ATTACHMENT, envelope)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tampered_pdf(pdf: bytes, total_change: int = 100_000) -> bytes:
    """The layout file with its embedded document's total raised, the signature left as it was."""
    envelope = json.loads(PdfReader(io.BytesIO(pdf)).attachments[ATTACHMENT][0])
    doc = json.loads(base64.b64decode(envelope["canonical"]))
    doc["total"] += total_change
    canonical = canonical_json(doc)
    envelope["canonical"] = base64.b64encode(canonical).decode()
    return with_attachment(pdf, json.dumps(envelope).encode())


def printed_qr_of(net: Network, item: dict[str, Any]) -> str:
    """The QR text the issuing province printed on the bill (its real form, with the network's MAC)."""
    from fiscal_stub.services.qr_codes import qr_text

    return qr_text(document_of(item), net.app.config["SECRET_KEY"])
