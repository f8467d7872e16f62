"""The 大病医疗 statement in a Mongolian resident's language: labels from the catalog, the PDF's Mongolian
shaped and set vertically, the bills' Chinese faces and the figures as issued; a Chinese resident's
statement as it always was."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO

import uharfbuzz  # type: ignore[import-untyped]
from flask_babel import force_locale, gettext
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from common.money import yuan
from common.pdf_fonts import MONGOLIAN_WOFF2
from common.vertical_text import has_mongolian
from tests.wallet.auth.test_language import choose
from tests.wallet.authorization.fixtures import resident_id_of
from tests.wallet.ledger.test_ledger_page import THIS_YEAR, co_pay, documents_of_year
from wallet.ledger.statement import COLUMNS, NOTICE, TITLE, TITLE_LINE, TOTAL

MONGOLIAN_FONT = "NotoSansMongolian"
CJK = re.compile(r"[\u4e00-\u9fff]")


def in_mongolian(wallet_app, text: str, **variables: object) -> str:
    with wallet_app.test_request_context(), force_locale("mn_Mong_CN"):
        return str(gettext(text, **variables))


def statement_of(client, wallet_app, fmt: str) -> bytes:
    response = client.get(f"/ledger/{THIS_YEAR}/serious-illness/self-{resident_id_of(wallet_app)}.{fmt}")
    assert response.status_code == 200
    return response.data


def test_a_mongolian_residents_spreadsheet_has_mongolian_labels_and_the_bills_as_issued(resident_client, wallet_app):
    choose(resident_client, "mn-Mong-CN")
    book = load_workbook(BytesIO(statement_of(resident_client, wallet_app, "xlsx")))
    sheet = book.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    mn = {text: in_mongolian(wallet_app, text) for text in (*COLUMNS, NOTICE, TITLE, TOTAL, "本人")}
    assert rows[0][0] == in_mongolian(wallet_app, TITLE_LINE, title=mn[TITLE], year=THIS_YEAR, person=mn["本人"])
    assert rows[1][0] == mn[NOTICE]
    assert has_mongolian(sheet.title) and len(sheet.title) <= 31
    header = rows.index([mn[c] for c in COLUMNS])
    summary = [r for r in rows[2:header] if r[0]]
    assert len(summary) == 8 and all(has_mongolian(label) and not CJK.search(label) for label, *_ in summary)
    documents = documents_of_year(wallet_app, resident_id_of(wallet_app), THIS_YEAR)
    assert dict((r[0], r[1]) for r in summary)[in_mongolian(wallet_app, "医保目录内个人自付累计")] == in_mongolian(
        wallet_app, "%(amount)s 元", amount=yuan(co_pay(documents))
    )
    bills = rows[header + 1 : -1]
    assert bills and all(CJK.search(r[2]) and CJK.search(r[3]) for r in bills)  # issuer, bill type: as issued
    assert all(isinstance(v, int | float) for r in bills for v in r[6:])
    assert rows[-1][0] == mn[TOTAL]


def test_a_mongolian_residents_pdf_draws_its_labels_shaped_and_vertical(resident_client, wallet_app):
    choose(resident_client, "mn-Mong-CN")
    data = statement_of(resident_client, wallet_app, "pdf")
    reader = PdfReader(BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert all(c in text for c in (TITLE, NOTICE, *COLUMNS, TOTAL))  # the Chinese beside each label, small
    # Copied or searched (poppler reads ActualText), the labels are Mongolian letters again; brackets and
    # digits are the CJK font's runs, read apart.
    copied = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    labels = [in_mongolian(wallet_app, c) for c in (*COLUMNS, TITLE, NOTICE, TOTAL)]
    assert all(word.strip("()") in copied for label in labels for word in label.split())

    drawn = runs_drawn(reader)
    mongolian = [(t, m) for t, m, font in drawn if MONGOLIAN_FONT in font]
    assert mongolian and all(turned_clockwise(m) for _, m in mongolian)
    # The table's figures and the bills' Chinese faces stay horizontal (a figure inside a Mongolian
    # sentence of the summary lies sideways in its column, as on a Mongolian page).
    in_table = re.compile(rf"\d{{8,}}|{THIS_YEAR}-\d\d-\d\d|.*医院.*")  # codes, numbers, issue dates, issuers
    table = [m for t, m, _ in drawn if in_table.fullmatch(t.strip())]
    assert table and all(upright(m) for m in table)

    word = in_mongolian(wallet_app, "票据金额").split()[0]
    source = TTFont(str(MONGOLIAN_WOFF2))
    shaped, nominal = shaped_glyphs(source, word), nominal_glyphs(source, word)
    assert shaped != nominal  # HarfBuzz picked the joining forms
    embedded = embedded_outlines(reader)
    assert {outline(source, g) for g in shaped} <= embedded


def test_a_chinese_residents_statement_stays_chinese_and_horizontal(resident_client, wallet_app):
    reader = PdfReader(BytesIO(statement_of(resident_client, wallet_app, "pdf")))
    drawn = runs_drawn(reader)
    assert drawn and all(MONGOLIAN_FONT not in font and upright(m) for _, m, font in drawn)
    rows = [
        [c.value for c in row]
        for row in load_workbook(BytesIO(statement_of(resident_client, wallet_app, "xlsx"))).active.iter_rows()
    ]
    assert list(COLUMNS) in rows and rows[-1][0] == "合计"
    assert not any(has_mongolian(str(v)) for row in rows for v in row if v is not None)


def runs_drawn(reader: PdfReader) -> list[tuple[str, list[float], str]]:
    """Each text run with the matrix it is drawn with (text matrix times the current transformation) and its font."""
    drawn: list[tuple[str, list[float], str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            drawn.append((text, product(tm, cm), str(font["/BaseFont"])))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return drawn


def product(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return [a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u]


def turned_clockwise(m: list[float]) -> bool:
    """The run's baseline points down the page: a line turned 90° clockwise."""
    return abs(m[0]) < 1e-6 and m[1] < 0 and m[2] > 0 and abs(m[3]) < 1e-6


def upright(m: list[float]) -> bool:
    return m[0] > 0 and abs(m[1]) < 1e-6 and abs(m[2]) < 1e-6 and m[3] > 0


def shaped_glyphs(font: TTFont, text: str) -> list[str]:
    unpacked = BytesIO()
    font.flavor = None
    font.save(unpacked)
    face = uharfbuzz.Face(uharfbuzz.Blob(unpacked.getvalue()))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(uharfbuzz.Font(face), buffer, {})
    order = font.getGlyphOrder()
    return [order[info.codepoint] for info in buffer.glyph_infos]


def nominal_glyphs(font: TTFont, text: str) -> list[str]:
    cmap = font.getBestCmap()
    return [cmap[ord(char)] for char in text]


def outline(font: TTFont, glyph: str) -> tuple:
    pen = DecomposingRecordingPen(font.getGlyphSet())
    font.getGlyphSet()[glyph].draw(pen)
    return tuple((op, tuple(tuple(round(v) for v in point) for point in args)) for op, args in pen.value)


def embedded_outlines(reader: PdfReader) -> set[tuple]:
    """Every glyph outline of the Mongolian font subsets the PDF embeds."""
    outlines: set[tuple] = set()
    for page in reader.pages:
        for reference in page["/Resources"]["/Font"].values():  # type: ignore[index]
            font = reference.get_object()
            if MONGOLIAN_FONT in str(font["/BaseFont"]):
                data = font["/FontDescriptor"]["/FontFile2"].get_data()
                subset = TTFont(BytesIO(data))
                outlines |= {outline(subset, g) for g in subset.getGlyphOrder()}
    return outlines
