"""The 大病医疗 statement as a Mongolian reader's PDF: the wallet's own words in vertical columns.

The title, the notice, the summary's labels and values and the table's headers run in columns left
to right (common.vertical_text); the figures and the bills' Chinese faces stay horizontal, as on a
Mongolian page. The statement backs a Chinese tax declaration, so each label carries its Chinese
source small beside it.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from common.pdf_fonts import cjk_font
from common.translatable import shown
from common.vertical_text import VerticalText, has_mongolian
from wallet.ledger.statement import COLUMNS, ISSUER_COLUMN, NOTICE, ROWS_PER_TABLE, TITLE, TOTAL, Statement

MARGIN = 12 * mm
PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * MARGIN
HEAD_HEIGHT = 48 * mm  # the longest column of the title and the notice
SUMMARY_HEIGHT = 40 * mm  # of a summary label or value
HEADER_HEIGHT = 34 * mm  # of a column header
COLUMN_WIDTHS = [w * mm for w in (10, 22, 58, 34, 20, 22, 22, 28, 26, 26)]
_NO_SIDE_PADDING = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]


def vertical_pdf(statement: Statement) -> bytes:
    """The statement laid out for a Mongolian reader, on the pages the Chinese one uses."""
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=shown(TITLE),
    )
    story: list[Flowable] = [_head(statement), Spacer(1, 4 * mm), _summary(statement), Spacer(1, 4 * mm)]
    story += _bill_tables(statement)
    doc.build(story)
    return out.getvalue()


def _chinese(size: float) -> ParagraphStyle:
    return ParagraphStyle(f"zh-{size}", fontName=cjk_font(), fontSize=size, leading=size * 1.3)


def _gloss(source: str) -> Paragraph:
    """A label's Chinese source, small, for the Chinese reader of the declaration."""
    return Paragraph(source, _chinese(6))


def _head(statement: Statement) -> Table:
    """Title and notice as columns, their Chinese after them."""
    title = VerticalText(statement.title, 15, HEAD_HEIGHT)
    notice = VerticalText(shown(NOTICE), 9, HEAD_HEIGHT)
    rest = WIDTH - title.width - notice.width - 8 * mm
    cells: list[object] = [title, notice, [Paragraph(TITLE, _chinese(9)), _gloss(NOTICE)]]
    table = Table([cells], colWidths=(title.width + 4 * mm, notice.width + 4 * mm, rest), hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _value(text: str) -> Flowable:
    """A summary value: a Mongolian one in columns, a Chinese one (the regulation's name) as written."""
    if has_mongolian(text):
        return VerticalText(text, 9, SUMMARY_HEIGHT)
    return Paragraph(text, ParagraphStyle("value", fontName=cjk_font(), fontSize=8, leading=10, wordWrap="CJK"))


def _summary(statement: Statement) -> Table:
    """One cell per item, left to right: its label's column(s), its value beside, the Chinese label below."""
    width = WIDTH / len(statement.summary)
    cells: list[object] = []
    for source, value in statement.summary:
        label = VerticalText(shown(source), 9, SUMMARY_HEIGHT)
        pair = Table([[label, _value(value)]], colWidths=(label.width + 2 * mm, width - label.width - 6 * mm))
        pair.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *_NO_SIDE_PADDING]))
        cells.append([pair, _gloss(source)])
    table = Table([cells], colWidths=[width] * len(cells))
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _header_cell(source: str) -> list[Flowable]:
    return [VerticalText(shown(source), 8, HEADER_HEIGHT), Spacer(1, 1.5 * mm), _gloss(source)]


def _bill_tables(statement: Statement) -> list[Flowable]:
    """The bills as in the Chinese statement, under vertical headers; one table per page, as there."""
    cell = ParagraphStyle("cell", fontName=cjk_font(), fontSize=8, leading=10)
    header = [_header_cell(c) for c in COLUMNS]
    lines: list[list[object]] = [
        [str(v) if i != ISSUER_COLUMN else Paragraph(str(v), cell) for i, v in enumerate(row)] for row in statement.rows
    ]
    total: list[object] = [_header_cell(TOTAL), "", "", "", "", "", *(str(v) for v in statement.sums)]
    lines.append(total)
    tables: list[Flowable] = []
    for start in range(0, len(lines), ROWS_PER_TABLE):
        chunk = lines[start : start + ROWS_PER_TABLE]
        table = Table([header, *chunk], colWidths=COLUMN_WIDTHS, repeatRows=1)
        style = TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
        if chunk[-1] is total:  # the total's label over the columns that hold no figure
            style.add("SPAN", (0, len(chunk)), (5, len(chunk)))
        table.setStyle(style)
        tables.append(table)
    return tables
