"""Render a bill's signed document as an A5 layout file and embed the document in it.

Everything printed comes from the signed document itself, so what a person reads and
what a program verifies are the same bill.
"""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fiscal_stub.layout.envelope import attach
from fiscal_stub.layout.fonts import cjk_font
from fiscal_stub.layout.marks import SEAL_RED, draw_issuer_seal, draw_qr, draw_supervision_seal
from common.money import capitals, yuan

WIDTH, HEIGHT = landscape(A5)
LEFT, RIGHT = 8 * mm, WIDTH - 8 * mm
INK = Color(0.12, 0.13, 0.16)
RULE = Color(0.55, 0.36, 0.2)
COLUMNS = (("项目编码", 0, 18), ("项目名称", 18, 62), ("单位", 62, 76), ("数量", 76, 90),
           ("单价(元)", 90, 120), ("金额(元)", 120, 152), ("自费(元)", 152, 194))
SETTLEMENT = (("fund", "医保统筹基金支付"), ("other_insurance", "其他医保支付"), ("personal_account", "个人账户支付"),
              ("cash", "个人现金支付"), ("co_pay", "个人自付"), ("self_pay", "个人自费"))
INSURED_DETAILS = (("patient_number", "门诊/住院号"), ("department", "科室"), ("insurance_type", "医保类型"),
                   ("insurance_number", "医保编号"), ("settlement_number", "医保结算号"))


class _Page:
    def __init__(self, canvas: Canvas, font: str) -> None:
        self.c = canvas
        self.font = font

    def text(self, x: float, y: float, value: str, size: float = 8, align: str = "left") -> None:
        self.c.setFont(self.font, size)
        draw = {"left": self.c.drawString, "right": self.c.drawRightString, "center": self.c.drawCentredString}
        draw[align](x, y, value)

    def rule(self, y: float) -> None:
        self.c.line(LEFT, y, RIGHT, y)


def _header(page: _Page, doc: dict[str, Any], qr_payload: str, department: str) -> None:
    issued = datetime.fromisoformat(doc["issued_at"])
    draw_qr(page.c, qr_payload, LEFT, HEIGHT - 34 * mm, 26 * mm)
    page.text(WIDTH / 2, HEIGHT - 13 * mm, doc["name"], 13, "center")
    draw_supervision_seal(page.c, page.font, department, WIDTH / 2, HEIGHT - 25 * mm)
    rows = (("票据代码", doc["code"]), ("票据号码", doc["number"]), ("校验码", doc["check"]),
            ("开票日期", issued.strftime("%Y-%m-%d %H:%M:%S")))
    for index, (label, value) in enumerate(rows):
        page.text(RIGHT - 52 * mm, HEIGHT - (20 + 4.6 * index) * mm, f"{label}：{value}", 8)


def _people(page: _Page, doc: dict[str, Any], y: float) -> float:
    payer = doc["payer"]
    label = "交款人统一社会信用代码" if payer["type"] == "单位" else "交款人身份证号"
    page.text(LEFT, y, f"{label}：{payer['id_number']}", 8)
    page.text(LEFT + 96 * mm, y, f"交款人：{payer['name']}（{payer['type']}）", 8)
    medical = doc.get("medical")
    if not medical:
        return y - 5 * mm
    y -= 5 * mm
    visit = (f"就诊日期：{medical['visit_date']}" if medical["visit_type"] == "outpatient" else
             f"住院时间：{medical['admitted_on']} 至 {medical['discharged_on']}（{medical['days']}天）")
    page.text(LEFT, y, visit, 7.5)
    page.text(LEFT + 96 * mm, y, f"医疗机构类型：{medical.get('institution_level') or '—'}", 7.5)
    y -= 4.5 * mm
    parts = [f"{label}：{medical[key] or '—'}" for key, label in INSURED_DETAILS]
    page.text(LEFT, y, "　".join(parts), 7)
    return y - 5 * mm


def _items(page: _Page, items: list[dict[str, Any]], top: float) -> float:
    row_h = 4.3 * mm
    page.c.setStrokeColor(RULE)
    page.rule(top)
    for name, start, _ in COLUMNS:
        page.text(LEFT + start * mm + 1 * mm, top - 3.2 * mm, name, 7)
    y = top - row_h
    page.rule(y)
    for row in items:
        values = (row["code"], row["name"], row["unit"], str(row["quantity"]), yuan(row["price"]),
                  yuan(row["amount"]), yuan(row["self_paid"]))
        for (_, start, end), value in zip(COLUMNS, values):
            right_aligned = start >= 76
            x = LEFT + (end - 2) * mm if right_aligned else LEFT + start * mm + 1 * mm
            page.text(x, y - 3.2 * mm, value, 7, "right" if right_aligned else "left")
        y -= row_h
    page.rule(y)
    return y


def _totals(page: _Page, doc: dict[str, Any], y: float) -> float:
    y -= 4.5 * mm
    page.text(LEFT, y, f"金额合计（大写）：{capitals(doc['total'])}", 8.5)
    page.text(RIGHT, y, f"（小写）¥{yuan(doc['total'])}", 8.5, "right")
    medical = doc.get("medical")
    if medical:
        split = medical["settlement"]
        for pairs in (SETTLEMENT[:4], SETTLEMENT[4:]):
            y -= 4.5 * mm
            page.text(LEFT, y, "　".join(f"{label}：{yuan(split[key])}" for key, label in pairs), 7.5)
    y -= 4.5 * mm
    page.text(LEFT, y, f"备注：{doc['remark'] or '—'}", 7.5)
    return y


def _footer(page: _Page, doc: dict[str, Any]) -> None:
    issuer = doc["issuer"]
    page.text(LEFT, 12 * mm, f"收款单位（章）：{issuer['name']}", 8)
    page.text(LEFT, 7.5 * mm, f"统一社会信用代码：{issuer['code']}", 7)
    page.text(RIGHT, 12 * mm, f"收款人：{doc['handler'] or '—'}", 8, "right")
    draw_issuer_seal(page.c, page.font, issuer["name"], LEFT + 80 * mm, 16 * mm)


def _red_mark(page: _Page, doc: dict[str, Any]) -> None:
    original = doc["red_of"]
    page.c.saveState()
    page.c.setFillColor(SEAL_RED)
    page.text(RIGHT, HEIGHT - 38.5 * mm, f"红字冲销 原票据 {original['code']}-{original['number']}", 8, "right")
    page.c.restoreState()


def render(doc: dict[str, Any], qr_payload: str, department: str) -> bytes:
    """The printed bill as a one-page A5 landscape PDF (no attachment yet)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setTitle(f"{doc['name']} {doc['code']}-{doc['number']}")
    canvas.setAuthor(doc["issuer"]["name"])
    canvas.setSubject("财政电子票据版式文件")
    page = _Page(canvas, cjk_font())
    canvas.setFillColor(INK)
    _header(page, doc, qr_payload, department)
    y = _people(page, doc, HEIGHT - 42 * mm)
    y = _items(page, doc["items"], y)
    _totals(page, doc, y)
    _footer(page, doc)
    if doc.get("red_of"):
        _red_mark(page, doc)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def layout_file(canonical: bytes, signature: dict[str, str], doc: dict[str, Any], qr_payload: str,
                department: str) -> bytes:
    """The layout file: the rendered bill, ``qr_payload`` as its QR code, the signed document attached."""
    return attach(render(doc, qr_payload, department), canonical, signature)
