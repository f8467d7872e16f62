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

from common.money import capitals, yuan, yuan_display
from fiscal_stub.demo import persona_people, seed_people
from tests.fiscal_stub.conftest import ISSUER_TOKEN, WURINA

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

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    medical = doc["medical"]
    split = medical["settlement"]
    masked = doc["payer"]["id_number"][:4] + "*" * 10 + doc["payer"]["id_number"][-4:]
    for field in (
        doc["name"],
        f"票据代码：{doc['code']}",
        f"票据号码：{doc['number']}",
        f"校验码：{doc['check']}",
        f"交款人：{doc['payer']['name']}",
        f"交款人统一社会信用代码：{masked}",
        doc["issuer"]["name"],
        f"性别：{doc['payer']['gender']}",
        f"业务流水号：{doc['serial']}",
        f"复核人：{doc['reviewer']}",
        f"收款人：{doc['handler']}",
        "收款单位（章）",
        f"住院号：{medical['inpatient_number']}",
        f"病历号：{medical['record_number']}",
        f"医疗机构类型：{medical['institution_type']}",
        f"预缴金额：{yuan(medical['prepaid'])}",
        f"补缴金额：{yuan(medical['supplementary'])}",
        f"退费金额：{yuan(medical['refunded'])}",
        f"医保统筹基金支付：{yuan(split['fund'])}",
        f"其他医保支付：{yuan(split['other_insurance'])}",
        f"个人现金支付：{yuan(split['cash'])}",
        capitals(doc["total"]),
        f"（小写）{yuan_display(doc['total'])}",
        doc["items"][0]["name"],
        doc["items"][0]["standard"],
        "医疗收费明细",
        medical["details"][0]["name"],
        medical["details"][-1]["spec"],
    ):
        assert field in text, field
    assert doc["payer"]["id_number"] not in text, "the payer's ID number is printed masked"
    if split["other_insurance"]:
        assert "大病保险" in text
    assert text.count("\f") == 1 + -(-len(medical["details"]) // 22), "the 医疗收费明细 follows on pages of its own"

    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png")
    assert image.width > image.height > 500
    codes = [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1
    link = urlsplit(codes[0])
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    assert (link.scheme, link.netloc, link.path) == ("https", "www.chinaebill.cn", "/eips-wxapp-service/d")
    assert query["d"] == (
        f"{doc['code']}_{doc['number']}_{doc['check']}_{yuan(doc['total'])}_{doc['issued_at'][:10].replace('-', '')}"
    )
    assert network.post("/verify", {"qr": codes[0]}).json()["authentic"] is True
    if os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        shutil.copy(tmp_path / "page.png", DOC_SAMPLE)


def test_a_red_bill_is_marked_red_names_its_original_and_negates_every_amount(network, tmp_path):
    original = network.issue(type_key="medical_inpatient", amount=1_288_000)
    path = f"/issuer/bills/{original['code']}/{original['number']}/red-reverse"
    reply = network.post(path, {"reason": "退费"}, token=ISSUER_TOKEN)
    assert reply.status_code == 200, reply.text
    red = reply.json()["red_bill"]
    doc, source = (json.loads(base64.b64decode(b["canonical"])) for b in (red, original))
    medical, before = doc["medical"], source["medical"]
    assert doc["total"] == -source["total"] and medical["prepaid"] == -before["prepaid"]
    assert medical["other_payments"] == {k: -v for k, v in before["other_payments"].items()}
    assert [r["amount"] for r in medical["details"]] == [-r["amount"] for r in before["details"]]
    assert doc["serial"] != source["serial"]
    pdf = tmp_path / "red.pdf"
    pdf.write_bytes(network.get(f"/bills/{red['code']}/{red['number']}.pdf").content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "红字" in text
    assert f"冲红 原票据代码 {original['code']} 号码 {original['number']}" in text
    assert f"（小写）{yuan_display(doc['total'])}" in text and yuan_display(doc["total"]).startswith("-")
    assert capitals(doc["total"]).startswith("负")
