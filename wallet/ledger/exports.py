""" "大病医疗支出明细": one person's medical bills of a tax year, for the annual settlement, as XLSX and PDF.

Both files say on their face that the figure is the wallet's estimate and that the
medical-insurance platform's yearly figure is the one the tax return uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from common.money import yuan
from common.pdf_fonts import cjk_font
from wallet.ledger.serious_illness import SeriousIllnessEstimate
from wallet.ledger.yearly import LedgerEntry

TITLE = "大病医疗支出明细"
MONEY_COLUMNS = ("票据金额", "医保统筹及其他医保支付", "个人自付（目录内）", "个人自费（目录外）")
COLUMNS = (
    "序号",
    "开票日期",
    "医疗机构",
    "票据类型",
    "票据代码",
    "票据号码",
    "票据金额",
    "医保统筹及其他医保支付",
    "个人自付（目录内）",
    "个人自费（目录外）",
)
ISSUER_COLUMN = COLUMNS.index("医疗机构")
ROWS_PER_TABLE = 30
NOTICE = "本表为票据夹根据已归集的医疗票据估算，仅供年度汇算参考；以医疗保障信息平台提供的年度数据为准。"


@dataclass(frozen=True)
class Statement:
    """What both files show: whose bills, the year, the estimate and who may claim it."""

    person: str
    claimed_by: str
    estimate: SeriousIllnessEstimate
    entries: tuple[LedgerEntry, ...]

    @property
    def rows(self) -> list[tuple[int, str, str, str, str, str, Decimal, Decimal, Decimal, Decimal]]:
        return [
            (i, e.issued_on.isoformat(), e.issuer, e.type_name, e.code, e.number, *_money(e))
            for i, e in enumerate(self.entries, start=1)
        ]

    @property
    def sums(self) -> tuple[Decimal, ...]:
        """The money columns' totals."""
        columns = list(zip(*(_money(e) for e in self.entries), strict=True)) or [()] * len(MONEY_COLUMNS)
        return tuple(sum(column, Decimal("0.00")) for column in columns)

    @property
    def summary(self) -> list[tuple[str, str]]:
        est = self.estimate
        opens, closes = est.settlement_window
        return [
            ("纳税年度", f"{est.tax_year} 年"),
            ("就医人", self.person),
            ("医保目录内个人自付累计", f"{yuan(est.counted)} 元"),
            ("起付标准", f"{yuan(est.threshold)} 元"),
            ("可扣除金额（估算）", f"{yuan(est.deductible)} 元（上限 {yuan(est.cap)} 元）"),
            ("可由谁扣除", self.claimed_by),
            ("汇算清缴期", f"{opens.isoformat()} 至 {closes.isoformat()}"),
            ("政策依据", est.rule.basis),
        ]


def _money(entry: LedgerEntry) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    paid = entry.payments
    return (
        Decimal(yuan(paid.total)),
        Decimal(yuan(paid.public_at_settlement)),
        Decimal(yuan(paid.co_pay)),
        Decimal(yuan(paid.self_pay)),
    )


def medical_entries(entries: list[LedgerEntry], person: str) -> tuple[LedgerEntry, ...]:
    return tuple(e for e in entries if e.person == person and e.medical)


def xlsx(statement: Statement) -> bytes:
    """Rows are appended and then addressed by number: looking a row up by ``max_row`` scans the
    sheet, which made a year of a thousand bills take seconds."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TITLE
    heading: list[list[object]] = [[f"{TITLE}（{statement.estimate.tax_year} 年 · {statement.person}）"], [NOTICE]]
    heading += ([label, value] for label, value in statement.summary)
    heading.append([])
    rows: list[list[object]] = [*heading, list(COLUMNS), *map(list, statement.rows)]
    rows.append(["合计", "", "", "", "", "", *statement.sums])
    for row in rows:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    header_row = len(heading) + 1
    for column in range(1, len(COLUMNS) + 1):
        sheet.cell(header_row, column).font = Font(bold=True)
        sheet.cell(header_row, column).alignment = Alignment(wrap_text=True)
    first_money = len(COLUMNS) - len(MONEY_COLUMNS) + 1
    for row_number in range(header_row + 1, len(rows) + 1):
        for column in range(first_money, len(COLUMNS) + 1):
            sheet.cell(row_number, column).number_format = "0.00"
    for letter, width in zip("ABCDEFGHIJ", (6, 12, 30, 18, 10, 12, 12, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(statement: Statement) -> bytes:
    font = cjk_font()
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=TITLE,
    )
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    story: list[object] = [
        Paragraph(f"{TITLE}（{statement.estimate.tax_year} 年 · {statement.person}）", title),
        Paragraph(NOTICE, body),
        Spacer(1, 4 * mm),
        Table([[Paragraph(k, body), Paragraph(v, body)] for k, v in statement.summary], colWidths=(48 * mm, 200 * mm)),
        Spacer(1, 4 * mm),
    ]
    # Only the header and the unit's name wrap (Paragraphs); every other cell is plain text in the
    # table's font, and the rows go in tables of one page each: a single table of a thousand
    # Paragraph rows took reportlab seconds to split across pages.
    header = [Paragraph(c, cell) for c in COLUMNS]
    lines: list[list[Paragraph | str]] = [
        [str(v) if i != ISSUER_COLUMN else Paragraph(str(v), cell) for i, v in enumerate(row)] for row in statement.rows
    ]
    lines.append(["合计", "", "", "", "", "", *(str(v) for v in statement.sums)])
    widths = [w * mm for w in (10, 22, 58, 34, 20, 22, 22, 28, 26, 26)]
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    for start in range(0, len(lines), ROWS_PER_TABLE):
        table = Table([header, *lines[start : start + ROWS_PER_TABLE]], colWidths=widths, repeatRows=1)
        table.setStyle(style)
        story.append(table)
    doc.build(story)  # type: ignore[arg-type]
    return out.getvalue()
