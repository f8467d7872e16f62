"""Traditional Mongolian in a PDF: shaped, and set in vertical columns running left to right.

reportlab writes horizontal lines only. Mongolian letters take their joining forms once HarfBuzz
has shaped the run (reportlab's ``shapeStr``, with ``uharfbuzz`` installed); the shaped string is
written through a text object, which places each glyph HarfBuzz chose. (``drawString``'s own
``shaping=True`` does nothing unless reportlab's optional bidi module is installed too.) A shaped
horizontal line turned 90° clockwise is the vertical line, so each column is drawn that way, the
first at the left. Digits, Latin and Chinese inside a Mongolian text come from the CJK font and
lie sideways in the column, as the W3C *Mongolian Layout Requirements* set them.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.platypus.flowables import Flowable

from common.pdf_fonts import cjk_font, mongolian_font

# What the Mongolian font draws: the Mongolian block, NNBSP before case suffixes, the joiners,
# and the question/exclamation marks set for vertical text. Everything else is the CJK font's.
MONGOLIAN_SIDE = frozenset([*range(0x1800, 0x18B0), 0x202F, 0x200C, 0x200D, 0x2048, 0x2049])
# Where the baseline sits across a column, as a share of the font size from its left edge: the
# letters hang on a stem near the middle of the em.
BASELINE_SHARE = 0.38


def has_mongolian(text: str) -> bool:
    """Whether ``text`` holds Mongolian letters (and so is set vertically)."""
    return any(ord(char) in MONGOLIAN_SIDE for char in text)


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (font name, run) pieces: Mongolian runs in the Mongolian font, the rest in the CJK one."""
    pieces: list[tuple[str, str]] = []
    for char in text:
        font = mongolian_font() if ord(char) in MONGOLIAN_SIDE else cjk_font()
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + char)
        else:
            pieces.append((font, char))
    return pieces


@lru_cache(maxsize=4096)
def run_width(font: str, run: str, size: float) -> float:
    """How long a run is once shaped: a joined Mongolian word is shorter than its letters' nominal widths."""
    if font == mongolian_font():
        glyphs = shapeStr(run, font, size)
        if isinstance(glyphs, ShapedStr):
            return sum(glyph.x_advance for glyph in glyphs.__shapeData__) * size / 1000  # type: ignore[attr-defined]
    return float(stringWidth(run, font, size))


def line_length(text: str, size: float) -> float:
    return sum(run_width(font, run, size) for font, run in runs(text))


def columns(text: str, size: float, height: float) -> list[str]:
    """``text`` broken between words into columns no longer than ``height`` (a longer word keeps a column alone;
    a lone mark such as a separating dot never starts a column)."""
    lines: list[str] = []
    for word in text.split(" "):
        mark = not any(char.isalnum() for char in word)
        if lines and (mark or line_length(f"{lines[-1]} {word}", size) <= height):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


class VerticalText(Flowable):
    """A Mongolian text in columns of at most ``height`` points, ``size`` points large, left to right.

    Where the columns would be wider than the space given (a narrow table cell), they grow longer
    instead, up to ``GROWTH`` times, so that a header never runs into its neighbour.
    """

    GROWTH = 3

    def __init__(self, text: str, size: float, height: float, leading: float | None = None) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.column_height = height
        self.leading = leading or size * 1.4
        self._set_columns(height)

    def _set_columns(self, height: float) -> None:
        # Known before layout, so a table can size the cell around it.
        self.lines = columns(self.text, self.size, height)
        self.width = len(self.lines) * self.leading
        self.height = max((line_length(line, self.size) for line in self.lines), default=0.0)

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        height = self.column_height
        while self.width > aW and len(self.lines) > 1 and height < self.column_height * self.GROWTH:
            height += self.size * 2
            self._set_columns(height)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        baseline = (self.leading - self.size) / 2 + self.size * BASELINE_SHARE
        for number, line in enumerate(self.lines):
            canvas.saveState()
            canvas.translate(number * self.leading + baseline, self.height)
            canvas.rotate(-90)  # clockwise: the line runs down the page, the letters' tops face right
            advance = 0.0
            for font, run in runs(line):
                text = canvas.beginText(advance, 0)
                text.setFont(font, self.size)
                if font == mongolian_font():
                    text.textOut(shapeStr(run, font, self.size))
                    # The joined forms have no code points of their own (reportlab maps them to private
                    # ones); ActualText gives copying and search the Mongolian letters back.
                    canvas.addLiteral(f"/Span <</ActualText <FEFF{run.encode('utf-16-be').hex().upper()}>>> BDC")
                    canvas.drawText(text)
                    canvas.addLiteral("EMC")
                else:
                    text.textOut(run)
                    canvas.drawText(text)
                advance += run_width(font, run, self.size)
            canvas.restoreState()
