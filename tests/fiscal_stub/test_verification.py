"""Verification by the five elements and by the layout file, with live status and a check count."""

from __future__ import annotations

import base64
import io
import json

from pypdf import PdfReader, PdfWriter

from common.money import yuan
from tests.fiscal_stub.conftest import ISSUER_TOKEN


def elements(bill: dict) -> dict:
    doc = json.loads(base64.b64decode(bill["canonical"]))
    return {
        "code": doc["code"],
        "number": doc["number"],
        "check": doc["check"].upper(),
        "date": doc["issued_at"][:10].replace("-", ""),
        "amount": yuan(doc["total"]),
    }


def test_five_elements_verify_with_live_status_and_count(network):
    bill = network.issue(amount=25630)
    first = network.post("/verify", elements(bill)).json()
    assert (first["authentic"], first["verify_count"]) == (True, 1)
    assert first["bill"]["canonical"] == bill["canonical"]
    network.lock(bill, "UNIT-A")
    second = network.post("/verify", elements(bill)).json()
    assert (second["verify_count"], second["bill"]["status"]["reimbursement"]) == (2, "locked")


def test_wrong_element_is_not_authentic_and_not_counted(network):
    bill = network.issue(amount=25630)
    for field, value in (("check", "zzzzzz"), ("amount", "256.31"), ("date", "20200101")):
        verdict = network.post("/verify", {**elements(bill), field: value}).json()
        assert (verdict["ok"], verdict["authentic"], verdict["reason"]) == (True, False, "mismatch")
        assert "bill" not in verdict
    missing = network.post("/verify", {**elements(bill), "number": "9999999999"}).json()
    assert missing["reason"] == "not_found"
    assert network.post("/verify", elements(bill)).json()["verify_count"] == 1


def test_red_bill_verifies_with_its_negative_amount(network):
    bill = network.issue(amount=5000)
    red = network.post(f"/issuer/bills/{bill['code']}/{bill['number']}/red-reverse", {}, token=ISSUER_TOKEN)
    verdict = network.post("/verify", elements(red.json()["red_bill"])).json()
    assert verdict["authentic"] is True and elements(red.json()["red_bill"])["amount"] == "-50.00"


def layout(network, bill: dict) -> bytes:
    response = network.get(f"/bills/{bill['code']}/{bill['number']}.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    return response.content


def upload(network, pdf: bytes) -> dict:
    response = network.post("/verify-layout", files={"file": ("bill.pdf", pdf, "application/pdf")})
    assert response.status_code == 200, response.text
    return response.json()


def test_layout_file_verifies_and_shows_live_status(network):
    bill = network.issue(amount=25630)
    pdf = layout(network, bill)
    network.lock(bill, "UNIT-A")
    verdict = upload(network, pdf)
    assert verdict["authentic"] is True and verdict["verify_count"] == 1
    assert verdict["bill"]["status"]["locked_by"]["unit_code"] == "UNIT-A"


def test_layout_file_carries_the_signed_document(network):
    bill = network.issue(amount=25630)
    pdf = layout(network, bill)
    attached = json.loads(PdfReader(io.BytesIO(pdf)).attachments["fiscal-e-bill.json"][0])
    assert attached["canonical"] == bill["canonical"] and attached["signature"] == bill["signature"]


def tampered(pdf: bytes, change) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    envelope = json.loads(reader.attachments["fiscal-e-bill.json"][0])
    change(envelope)
    writer = PdfWriter()
    writer.add_page(reader.pages[0])
    writer.add_attachment("fiscal-e-bill.json", json.dumps(envelope).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_tampered_or_foreign_layout_files_are_not_authentic(network):
    bill = network.issue(amount=25630)
    pdf = layout(network, bill)

    def richer(envelope):
        doc = json.loads(base64.b64decode(envelope["canonical"]))
        doc["total"] = 2563000
        envelope["canonical"] = base64.b64encode(json.dumps(doc).encode()).decode()

    def unknown_key(envelope):
        envelope["signature"]["kid"] = "15-k9"

    assert upload(network, tampered(pdf, richer))["reason"] == "signature_invalid"
    assert upload(network, tampered(pdf, unknown_key))["reason"] == "unknown_key"
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    plain = io.BytesIO()
    writer.write(plain)
    assert upload(network, plain.getvalue())["reason"] == "no_signed_document"


def test_garbage_upload_is_a_clear_4xx(network):
    not_pdf = network.post("/verify-layout", files={"file": ("x.pdf", b"hello", "application/pdf")})
    assert (not_pdf.status_code, not_pdf.json()["code"]) == (422, "invalid_pdf")
    broken = network.post("/verify-layout", files={"file": ("x.pdf", b"%PDF-1.7\n garbage", "application/pdf")})
    assert broken.status_code == 422 and broken.json()["code"] == "invalid_pdf"
    missing = network.post("/verify-layout", files={"other": ("x.pdf", b"%PDF", "application/pdf")})
    assert (missing.status_code, missing.json()["code"]) == (400, "file_required")
