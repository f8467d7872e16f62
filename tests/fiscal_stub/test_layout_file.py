"""A generated bill's layout file renders with real Chinese text, an embedded font and its QR code."""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from PIL import Image

from common.money import capitals, yuan
from fiscal_stub.demo import persona_people, seed_people
from tests.fiscal_stub.conftest import WURINA

DOC_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "fiscal-bill-sample.png"


def inpatient_bill(network) -> dict:
    with network.app.app_context():
        seed_people(persona_people(["p1"]), 30)
    bills = network.post("/payer-bills", {"id_number": WURINA[0], "limit": 1000}).json()["bills"]
    kinds = [json.loads(base64.b64decode(b["canonical"]))["type"]["key"] for b in bills]
    return bills[kinds.index("medical_inpatient")]


def test_rendered_pdf_has_extractable_chinese_key_fields_and_a_readable_qr(network, tmp_path):
    bill = inpatient_bill(network)
    doc = json.loads(base64.b64decode(bill["canonical"]))
    pdf = tmp_path / "bill.pdf"
    pdf.write_bytes(network.get(f"/bills/{bill['code']}/{bill['number']}.pdf").content)

    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert any(" yes " in line for line in fonts.splitlines()[2:]), fonts

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for field in (doc["name"], f"票据代码：{doc['code']}", f"票据号码：{doc['number']}", f"校验码：{doc['check']}",
                  f"交款人：{doc['payer']['name']}", doc["payer"]["id_number"], doc["issuer"]["name"],
                  capitals(doc["total"]), f"¥{yuan(doc['total'])}", doc["items"][0]["name"]):
        assert field in text, field

    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png")
    assert image.width > image.height > 500
    codes = [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1
    link = urlsplit(codes[0])
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    assert (link.scheme, link.netloc, link.path) == ("https", "www.chinaebill.cn", "/eips-wxapp-service/d")
    assert query["d"] == (f"{doc['code']}_{doc['number']}_{doc['check']}_{yuan(doc['total'])}"
                          f"_{doc['issued_at'][:10].replace('-', '')}")
    assert network.post("/verify", {"qr": codes[0]}).json()["authentic"] is True
    if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        shutil.copy(tmp_path / "page.png", DOC_SAMPLE)
