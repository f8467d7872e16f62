"""Cut Noto Sans Mongolian down to the letters the Mongolian catalog uses, as the woff2 the pages load.

The whole font is ~240 KB of TrueType; a resident's phone should fetch only the glyphs our
own texts need. The subset keeps every OpenType layout feature of the font: Mongolian letters
take their initial, medial, final or isolated form from their neighbours (``init``/``medi``/
``fina``/``isol``), ligatures and variant forms come from ``rlig`` and the free variation
selectors, and ``vert``/``vrt2`` serve vertical text; dropping any of these would draw the
letters unjoined. Mongolian punctuation and the shaping controls (free variation selectors,
the vowel separator, NNBSP before case suffixes, ZWJ/ZWNJ) are always kept, so a new text
needs re-subsetting only for letters; digits, Latin and Chinese come from the page's own font.

Run it again whenever the catalog changes (``tests/test_mongolian_font.py`` fails until then)::

    python -m scripts.subset_mongolian_font

with Debian's ``fonts-noto-core`` installed (or ``--root`` naming a folder it was unpacked into).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.pofile import read_po
from fontTools import subset
from fontTools.ttLib import TTFont

PROJECT = Path(__file__).resolve().parent.parent
CATALOG = PROJECT / "translations" / "mn" / "LC_MESSAGES" / "messages.po"
FONTS = PROJECT / "static" / "fonts"
WOFF2 = FONTS / "noto-sans-mongolian-subset.woff2"
LICENCE = FONTS / "OFL-NotoSansMongolian.txt"
FONT_IN_PACKAGE = "usr/share/fonts/truetype/noto/NotoSansMongolian-Regular.ttf"
COPYRIGHT_IN_PACKAGE = "usr/share/doc/fonts-noto-core/copyright"

MONGOLIAN_BLOCK = range(0x1800, 0x18B0)
# Punctuation (birga, comma, full stop, ellipsis, colon…), NNBSP before case suffixes, and the
# question/exclamation marks set for vertical text.
PUNCTUATION = frozenset([*range(0x1800, 0x180B), 0x202F, 0x2048, 0x2049])
# Invisible controls that steer shaping: free variation selectors, the vowel separator, ZWNJ, ZWJ.
CONTROLS = frozenset([*range(0x180B, 0x1810), 0x200C, 0x200D])
ALWAYS = PUNCTUATION | CONTROLS
# Characters a Mongolian text run needs from this font; everything else the page's font draws.
SCRIPT_SIDE = frozenset(MONGOLIAN_BLOCK) | ALWAYS


def catalog_texts(catalog: Path) -> list[str]:
    """Every translation in ``catalog`` (plural forms included), the texts a Mongolian page shows."""
    with catalog.open("rb") as handle:
        messages = read_po(handle)
    texts: list[str] = []
    for message in messages:
        if not message.id:
            continue
        string = message.string
        strings = [string] if isinstance(string, str) else list(string or ())
        texts.extend(s for s in strings if s)
    return texts


def script_codepoints(texts: Iterable[str]) -> set[int]:
    """The code points of ``texts`` this font must draw: Mongolian letters, punctuation and controls."""
    return {ord(char) for text in texts for char in text} & SCRIPT_SIDE


def subset_font(source: Path, codepoints: set[int], target: Path) -> int:
    """Write the woff2 subset of ``source`` for ``codepoints`` to ``target``; return its size in bytes."""
    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature: joining forms, rlig, vert/vrt2
    options.layout_scripts = ["*"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names plus the copyright and licence notices
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # phones render unhinted; hints would double the file
    options.drop_tables += ["DSIG"]
    options.flavor = "woff2"
    font = TTFont(str(source), recalcTimestamp=False)  # the same catalog cuts the same bytes
    available = set(font.getBestCmap())
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints & available))  # the font predates some controls
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(str(target))
    return target.stat().st_size


def ofl_text(font: Path, copyright_file: Path) -> str:
    """The font's copyright line followed by the SIL Open Font License 1.1, as the licence asks to ship it."""
    notice = TTFont(str(font))["name"].getDebugName(0) or ""
    text = copyright_file.read_text(encoding="utf-8")
    # Debian's machine-readable copyright file holds the licence text as a "License: OFL-1.1" paragraph.
    match = re.search(r"^License: OFL-1\.1\n((?: .*\n?)+)", text, re.MULTILINE)
    if not match:
        raise SystemExit(f"no OFL-1.1 licence text in {copyright_file}")
    lines = [line[1:] for line in match.group(1).splitlines()]
    body = "\n".join("" if line == "." else line for line in lines).strip()
    head = "Noto Sans Mongolian, subset for this project's Mongolian pages."
    return f"{head}\n{notice}\n\nSIL OPEN FONT LICENSE Version 1.1\n\n{body}\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/"), help="where fonts-noto-core is installed or unpacked")
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="the Mongolian .po catalog")
    parser.add_argument("--out", type=Path, default=WOFF2)
    args = parser.parse_args(argv)
    source = args.root / FONT_IN_PACKAGE
    codepoints = script_codepoints(catalog_texts(args.catalog)) | ALWAYS
    size = subset_font(source, codepoints, args.out)
    LICENCE.write_text(ofl_text(source, args.root / COPYRIGHT_IN_PACKAGE), encoding="utf-8")
    print(f"{args.out.name}: {len(codepoints)} code points, {size} bytes")


if __name__ == "__main__":
    main()
