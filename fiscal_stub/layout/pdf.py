"""Render a bill's signed document as an A5 layout file and embed the document in it.

Everything printed comes from the signed document itself, so what a person reads and
what a program verifies are the same bill. The page follows a printed fiscal bill: the
QR code, title, supervision seal and bill identifiers on top; the payer and visit grid;
the items; 大写 and 小写 totals; the deposit and settlement block of a medical bill; the
remark; 收款单位（章）, 复核人 and 收款人 with the issuer's seal. An inpatient bill's
医疗收费明细 follows on pages of its own. Every amount is printed by :func:`common.money.yuan`,
so a red (冲红) bill shows each amount with its minus sign the same way everywhere.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from common.masking import mask_id_number
from common.money import capitals, yuan, yuan_display
from common.pdf_fonts import cjk_font
from fiscal_stub.layout.envelope import attach
from fiscal_stub.layout.marks import SEAL_RED, draw_issuer_seal, draw_qr, draw_supervision_seal

WIDTH, HEIGHT = landscape(A5)
LEFT, RIGHT, BOTTOM = 8 * mm, WIDTH - 8 * mm, 8 * mm
INK = Color(0.12, 0.13, 0.16)
RULE = Color(0.55, 0.36, 0.2)
# Items: (heading, start mm, end mm, right-aligned)
COLUMNS = (
    ("项目编码", 0, 14, False),
    ("项目名称", 14, 46, False),
    ("标准", 46, 74, False),
    ("单位", 74, 84, False),
    ("数量", 84, 96, True),
    ("单价(元)", 96, 118, True),
    ("金额(元)", 118, 142, True),
    ("自费(元)", 142, 164, True),
    ("备注", 164, 194, False),
)
DETAIL_COLUMNS = (
    ("日期", 0, 20, False),
    ("项目编码", 20, 34, False),
    ("项目名称", 34, 78, False),
    ("规格", 78, 108, False),
    ("单位", 108, 118, False),
    ("数量", 118, 130, True),
    ("单价(元)", 130, 152, True),
    ("金额(元)", 152, 176, True),
    ("自付比例", 176, 194, True),
)
SETTLEMENT = (
    ("fund", "医保统筹基金支付"),
    ("other_insurance", "其他医保支付"),
    ("personal_account", "个人账户支付"),
    ("cash", "个人现金支付"),
    ("co_pay", "个人自付"),
    ("self_pay", "个人自费"),
)
OTHER_PARTS = (
    ("serious_illness", "大病保险"),
    ("medical_assistance", "医疗救助"),
    ("civil_servant", "公务员医疗补助"),
    ("other", "其他"),
)
DEPOSIT = (("prepaid", "预缴金额"), ("supplementary", "补缴金额"), ("refunded", "退费金额"))
ROW = 4.6 * mm
DETAIL_ROWS_PER_PAGE = 22


class _Page:
    """Drawing helpers on one canvas: text that shrinks to its box, ruled grids."""

    def __init__(self, canvas: Canvas, font: str) -> None:
        self.c = canvas
        self.font = font

    def text(
        self, x: float, y: float, value: str, size: float = 8, align: str = "left", width: float | None = None
    ) -> None:
        while width and size > 5 and stringWidth(value, self.font, size) > width:
            size -= 0.25
        self.c.setFont(self.font, size)
        draw = {"left": self.c.drawString, "right": self.c.drawRightString, "center": self.c.drawCentredString}
        draw[align](x, y, value)

    def hline(self, y: float) -> None:
        self.c.line(LEFT, y, RIGHT, y)

    def table(
        self,
        columns: tuple[tuple[str, int, int, bool], ...],
        rows: list[tuple[str, ...]],
        top: float,
        row_h: float,
        size: float = 7,
    ) -> float:
        """A ruled table with a heading row; returns the y of its bottom rule."""
        self.c.setStrokeColor(RULE)
        bottom = top - row_h * (len(rows) + 1)
        self.c.rect(LEFT, bottom, RIGHT - LEFT, top - bottom, stroke=1, fill=0)
        for _, start, _, _ in columns[1:]:
            self.c.line(LEFT + start * mm, top, LEFT + start * mm, bottom)
        for index, cells in enumerate([tuple(c[0] for c in columns), *rows]):
            y = top - row_h * index
            if index:
                self.c.line(LEFT, y, RIGHT, y)
            for (_, start, end, right), value in zip(columns, cells, strict=True):
                width = (end - start - 2) * mm
                if right and index:
                    self.text(LEFT + (end - 1) * mm, y - row_h + 1.4 * mm, value, size, "right", width)
                else:
                    self.text(LEFT + (start + 1) * mm, y - row_h + 1.4 * mm, value, size, "left", width)
        return bottom

    def pairs(self, cells: list[tuple[str, str]], y: float, columns: int = 3, size: float = 7.5) -> float:
        """Label：value cells in ``columns`` equal columns, a row each ``ROW``; returns the y below them."""
        span = (RIGHT - LEFT) / columns
        for index, (label, value) in enumerate(cells):
            row, column = divmod(index, columns)
            self.text(LEFT + column * span, y - row * ROW, f"{label}：{value}", size, width=span - 2 * mm)
        return y - ROW * -(-len(cells) // columns)


def _header(page: _Page, doc: dict[str, Any], qr_payload: str, department: str, title: str) -> None:
    issued = datetime.fromisoformat(doc["issued_at"])
    draw_qr(page.c, qr_payload, LEFT, HEIGHT - 32 * mm, 24 * mm)
    page.text(WIDTH / 2, HEIGHT - 13 * mm, title, 13, "center", 88 * mm)
    draw_supervision_seal(page.c, page.font, department, WIDTH / 2, HEIGHT - 24 * mm)
    rows = (
        ("票据代码", doc["code"]),
        ("票据号码", doc["number"]),
        ("校验码", doc["check"]),
        ("开票日期", issued.strftime("%Y-%m-%d %H:%M:%S")),
    )
    for index, (label, value) in enumerate(rows):
        page.text(RIGHT - 50 * mm, HEIGHT - (12 + 4.6 * index) * mm, f"{label}：{value}", 8)


def _people(page: _Page, doc: dict[str, Any], y: float) -> float:
    payer = doc["payer"]
    cells = [
        ("交款人", f"{payer['name']}（{payer['type']}）"),
        (
            "交款人统一社会信用代码",
            mask_id_number(payer["id_number"]) if payer["type"] == "个人" else payer["id_number"],
        ),
    ]
    if payer.get("gender"):
        cells.append(("性别", payer["gender"]))
    cells.append(("业务流水号", doc.get("serial") or "—"))
    medical = doc.get("medical")
    if medical:
        grade = f"（{medical['institution_level']}）" if medical.get("institution_level") else ""
        inpatient = medical["visit_type"] == "inpatient"
        cells += [
            ("医疗机构类型", f"{medical.get('institution_type') or '—'}{grade}"),
            (
                "住院号" if inpatient else "门诊号",
                (medical.get("inpatient_number") if inpatient else medical.get("outpatient_number")) or "—",
            ),
            ("病历号", medical.get("record_number") or "—"),
            ("住院科别" if inpatient else "科室", medical["department"]),
            ("住院时间", f"{medical['admitted_on']} 至 {medical['discharged_on']}（{medical['days']}天）")
            if inpatient
            else ("就诊日期", medical["visit_date"]),
            ("医保类型", medical["insurance_type"]),
            ("医保编号", medical["insurance_number"] or "—"),
            ("医保结算号", medical["settlement_number"] or "—"),
        ]
    return page.pairs(cells, y)


def _items(page: _Page, items: list[dict[str, Any]], top: float, room: float) -> float:
    """The items, with blank ruled rows filling ``room`` as a printed bill's grid does."""
    rows = [
        (
            row["code"],
            row["name"],
            row.get("standard", ""),
            row["unit"],
            str(row["quantity"]),
            yuan(row["price"]),
            yuan(row["amount"]),
            yuan(row["self_paid"]),
            row.get("remark", ""),
        )
        for row in items
    ]
    row_h = min(6 * mm, max(4.2 * mm, room / (len(rows) + 1)))
    blank = max(0, int(room / row_h) - 1 - len(rows))
    return page.table(COLUMNS, rows + [("",) * len(COLUMNS)] * blank, top, row_h)


def _closing_lines(doc: dict[str, Any]) -> list[str]:
    """The lines under the items: deposit, settlement and 其他医保支付 parts (medical bills), then the remark."""
    lines = []
    medical = doc.get("medical")
    if medical:
        if medical["visit_type"] == "inpatient" and "prepaid" in medical:
            lines.append("　".join(f"{label}：{yuan(medical[key])}" for key, label in DEPOSIT))
        split = medical["settlement"]
        lines.append("　".join(f"{label}：{yuan(split[key])}" for key, label in SETTLEMENT[:4]))
        parts = medical.get("other_payments") or {}
        other = "　".join(f"{label} {yuan(parts[key])}" for key, label in OTHER_PARTS if parts.get(key))
        lines.append(
            "　".join(f"{label}：{yuan(split[key])}" for key, label in SETTLEMENT[4:])
            + (f"　其他医保支付含：{other}" if other else "")
        )
    lines.append(f"备注：{doc['remark'] or '—'}")
    return lines


def _totals(page: _Page, doc: dict[str, Any], y: float, lines: list[str]) -> None:
    y -= ROW
    page.text(LEFT, y, f"金额合计（大写）：{capitals(doc['total'])}", 8.5, width=120 * mm)
    page.text(RIGHT, y, f"（小写）{yuan_display(doc['total'])}", 8.5, "right")
    for line in lines:
        y -= ROW
        page.text(LEFT, y, line, 7.5, width=RIGHT - LEFT)


def _footer(page: _Page, doc: dict[str, Any]) -> None:
    issuer = doc["issuer"]
    page.text(LEFT, BOTTOM + 4.5 * mm, f"收款单位（章）：{issuer['name']}", 8, width=90 * mm)
    page.text(LEFT, BOTTOM, f"统一社会信用代码：{issuer['code']}", 7)
    page.text(RIGHT - 52 * mm, BOTTOM + 4.5 * mm, f"复核人：{doc.get('reviewer') or '—'}", 8)
    page.text(RIGHT, BOTTOM + 4.5 * mm, f"收款人：{doc['handler'] or '—'}", 8, "right")
    draw_issuer_seal(page.c, page.font, issuer["name"], LEFT + 100 * mm, BOTTOM + 11 * mm)


def _red_mark(page: _Page, doc: dict[str, Any]) -> None:
    """红字 beside the title and the original bill this red bill reverses (冲红)."""
    original = doc["red_of"]
    page.c.saveState()
    page.c.setFillColor(SEAL_RED)
    page.c.setStrokeColor(SEAL_RED)
    page.c.rect(WIDTH / 2 + 22 * mm, HEIGHT - 29 * mm, 14 * mm, 8 * mm, stroke=1, fill=0)
    page.text(WIDTH / 2 + 29 * mm, HEIGHT - 27 * mm, "红字", 11, "center")
    page.text(RIGHT, HEIGHT - 32 * mm, f"冲红 原票据代码 {original['code']} 号码 {original['number']}", 7.5, "right")
    page.c.restoreState()


def _details(page: _Page, doc: dict[str, Any], qr_payload: str, department: str) -> None:
    """The inpatient 医疗收费明细 on pages of its own, headed by the bill it belongs to."""
    rows: list[tuple[str, ...]] = [
        (
            row["date"],
            row["code"],
            row["name"],
            row["spec"],
            row["unit"],
            str(row["quantity"]),
            yuan(row["price"]),
            yuan(row["amount"]),
            f"{row['self_pay_ratio']}%",
        )
        for row in doc["medical"]["details"]
    ]
    chunks = [rows[i : i + DETAIL_ROWS_PER_PAGE] for i in range(0, len(rows), DETAIL_ROWS_PER_PAGE)]
    for number, chunk in enumerate(chunks, start=1):
        page.c.showPage()
        page.c.setFillColor(INK)
        _header(page, doc, qr_payload, department, f"医疗收费明细（第 {number}/{len(chunks)} 页）")
        top = page.pairs(
            [
                ("交款人", doc["payer"]["name"]),
                ("住院号", doc["medical"].get("inpatient_number") or "—"),
                ("住院时间", f"{doc['medical']['admitted_on']} 至 {doc['medical']['discharged_on']}"),
            ],
            HEIGHT - 38 * mm,
        )
        page.table(DETAIL_COLUMNS, chunk, top, 4.3 * mm, 6.8)


def render(doc: dict[str, Any], qr_payload: str, department: str) -> bytes:
    """The printed bill as an A5 landscape PDF (no attachment yet)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setTitle(f"{doc['name']} {doc['code']}-{doc['number']}")
    canvas.setAuthor(doc["issuer"]["name"])
    canvas.setSubject("财政电子票据版式文件")
    page = _Page(canvas, cjk_font())
    canvas.setFillColor(INK)
    _header(page, doc, qr_payload, department, doc["name"])
    if doc.get("red_of"):
        _red_mark(page, doc)
    top = _people(page, doc, HEIGHT - 38 * mm) + 2 * mm
    lines = _closing_lines(doc)
    room = top - (BOTTOM + 20 * mm) - ROW * (len(lines) + 1)
    _totals(page, doc, _items(page, doc["items"], top, room), lines)
    _footer(page, doc)
    if (doc.get("medical") or {}).get("details"):
        _details(page, doc, qr_payload, department)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def layout_file(
    canonical: bytes, signature: dict[str, str], doc: dict[str, Any], qr_payload: str, department: str
) -> bytes:
    """The layout file: the rendered bill, ``qr_payload`` as its QR code, the signed document attached."""
    return attach(render(doc, qr_payload, department), canonical, signature)
