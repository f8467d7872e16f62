"""Reading a PDF basis: its text, and the amounts written in it, in figures or in Chinese numerals.

Contracts and policy documents write money as ``12,345.60``, ``12345.6元``, ``¥12345.60``,
``1.2万元`` or in capitals (``壹万贰仟叁佰肆拾伍元陆角``, also in everyday numerals
``一万二千元``). Every form found becomes an amount in fen; the comparison only asks whether
the face's amount is among them.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from decimal import Decimal, InvalidOperation

from pypdf import PdfReader

MAX_PAGES = 30
MAX_TEXT = 50_000

# A number counts as money when it is grouped or has decimals, or stands by a currency mark.
FIGURE = re.compile(
    r"(?P<before>[¥$]|RMB|人民币|金额)?\s*"
    r"(?<![0-9.,])(?P<number>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?|[0-9]+(?:\.[0-9]{1,2})?)(?![0-9])"
    r"\s*(?P<wan>万)?\s*(?P<after>元|圆|块)?"
)
NUMERAL = {
    **dict.fromkeys("零〇", 0),
    **dict.fromkeys("壹一", 1),
    **dict.fromkeys("贰二两", 2),
    **dict.fromkeys("叁三", 3),
    **dict.fromkeys("肆四", 4),
    **dict.fromkeys("伍五", 5),
    **dict.fromkeys("陆六", 6),
    **dict.fromkeys("柒七", 7),
    **dict.fromkeys("捌八", 8),
    **dict.fromkeys("玖九", 9),
}
SMALL = {**dict.fromkeys("拾十", 10), **dict.fromkeys("佰百", 100), **dict.fromkeys("仟千", 1000)}
BIG = {"万": 10_000, "亿": 100_000_000}
WORDS = re.compile(f"[{''.join(NUMERAL)}{''.join(SMALL)}{''.join(BIG)}]+[元圆](?:[{''.join(NUMERAL)}][角分]){{0,2}}")


def extract_text(pdf: bytes) -> str:
    """The text of the first pages (a scanned image has none: the comparison then finds nothing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(pdf))
        parts = []
        for page in reader.pages[:MAX_PAGES]:
            try:
                parts.append(page.extract_text() or "")
            except Exception:  # a page the extractor trips on adds nothing; the rest still counts
                parts.append("")
    return unicodedata.normalize("NFKC", "\n".join(parts))[:MAX_TEXT]


def squeezed(text: str) -> str:
    """Text without whitespace: extractors put spaces and breaks between Chinese characters at will."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def figures(text: str) -> set[int]:
    found: set[int] = set()
    for match in FIGURE.finditer(text):
        number = match["number"]
        money_like = "," in number or "." in number or match["before"] or match["after"]
        if not money_like:
            continue
        try:
            value = Decimal(number.replace(",", "")) * (10_000 if match["wan"] else 1)
        except InvalidOperation:
            continue
        fen = value * 100
        if fen == fen.to_integral_value() and 0 < fen < 10**13:
            found.add(int(fen))
    return found


def _whole(words: str) -> int:
    """``壹万贰仟叁佰肆拾伍`` → 12345 (sections under 万 and 亿, 零 only marks a gap)."""
    total, section, digit = 0, 0, 0
    for char in words:
        if char in NUMERAL:
            digit = NUMERAL[char]
        elif char in SMALL:
            section += (digit or 1) * SMALL[char]
            digit = 0
        elif char in BIG:
            total = (total + section + digit) * BIG[char] if BIG[char] > 10_000 else total + (section + digit) * 10_000
            section = digit = 0
    return total + section + digit


def in_words(text: str) -> set[int]:
    found: set[int] = set()
    for match in WORDS.finditer(text):
        words = match.group()
        whole, _, cents = re.split("([元圆])", words, maxsplit=1)
        fen = _whole(whole) * 100
        for digit, unit in re.findall(f"([{''.join(NUMERAL)}])([角分])", cents):
            fen += NUMERAL[digit] * (10 if unit == "角" else 1)
        if fen:
            found.add(fen)
    return found


def amounts_in(text: str) -> set[int]:
    """Every amount (fen) the text writes, in figures or in words."""
    return figures(unicodedata.normalize("NFKC", text)) | in_words(squeezed(text))
