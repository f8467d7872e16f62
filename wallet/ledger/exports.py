""" "大病医疗支出明细": one person's medical bills of a tax year, for the annual settlement, as XLSX and PDF.

Both files say on their face that the figure is the wallet's estimate and that the
medical-insurance platform's yearly figure is the one the tax return uses. Their labels follow
the resident's language; a Mongolian reader's PDF is set vertically (wallet.ledger.vertical_statement).
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from common.i18n import mongolian_page
from common.pdf_fonts import cjk_font
from common.translatable import N_, shown
from wallet.ledger.statement import (
    COLUMNS,
    ISSUER_COLUMN,
    MONEY_COLUMNS,
    NOTICE,
    ROWS_PER_TABLE,
    TITLE,
    TOTAL,
    Statement,
)
from wallet.ledger.vertical_statement import vertical_pdf

SHEET_TITLE_LONGEST = 31  # what a spreadsheet allows a sheet's name
SHORT_SHEET_TITLE = N_("大病医疗")


def xlsx(statement: Statement) -> bytes:
    """Rows are appended and then addressed by number: looking a row up by ``max_row`` scans the
    sheet, which made a year of a thousand bills take seconds."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = shown(TITLE) if len(shown(TITLE)) <= SHEET_TITLE_LONGEST else shown(SHORT_SHEET_TITLE)
    heading: list[list[object]] = [[statement.title], [shown(NOTICE)]]
    heading += ([shown(label), value] for label, value in statement.summary)
    heading.append([])
    rows: list[list[object]] = [*heading, [shown(c) for c in COLUMNS], *map(list, statement.rows)]
    rows.append([shown(TOTAL), "", "", "", "", "", *statement.sums])
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
    """The statement as a PDF: in Chinese, or set vertically for a Mongolian reader."""
    if mongolian_page():
        return vertical_pdf(statement)
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
        Paragraph(statement.title, title),
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
    lines.append([TOTAL, "", "", "", "", "", *(str(v) for v in statement.sums)])
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
