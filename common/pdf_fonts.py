"""A CJK TrueType font embedded in every PDF the system makes (the network's layout files, the wallet's
exports), so Chinese renders on any viewer; and the Mongolian font of the wallet's own documents.

The CJK font is found at run time (fontconfig first, then the usual system font folders);
reportlab embeds a subset of just the glyphs used. The Mongolian font is the one the pages load
(Noto Sans Mongolian, cut to the catalog's letters), so a PDF draws every letter a page does.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont as FontFile
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_NAME = "BillCJK"
FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC")
FILE_NAMES = ("wqy-microhei.ttc", "NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.ttf", "NotoSansSC-Regular.otf")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
MONGOLIAN_FONT_NAME = "BillMongolian"
MONGOLIAN_WOFF2 = Path(__file__).resolve().parent.parent / "static" / "fonts" / "noto-sans-mongolian-subset.woff2"


class FontMissing(RuntimeError):
    """No CJK TrueType font is installed (install fonts-wqy-microhei)."""


def _from_fontconfig() -> list[Path]:
    if shutil.which("fc-match") is None:
        return []
    found = []
    for family in FAMILIES:
        result = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=False)
        path = Path(result.stdout.strip())
        if result.returncode == 0 and path.name in FILE_NAMES and path.is_file():
            found.append(path)
    return found


def _from_folders() -> list[Path]:
    return [path for folder in FONT_DIRS if folder.is_dir() for name in FILE_NAMES for path in folder.rglob(name)]


@cache
def cjk_font() -> str:
    """Register the first usable CJK font with reportlab and return its name."""
    for path in _from_fontconfig() + _from_folders():
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
        except (TTFError, OSError):
            continue
        return FONT_NAME
    raise FontMissing("no CJK TrueType font found; install fonts-wqy-microhei")


@cache
def mongolian_font() -> str:
    """Register the vendored Mongolian font with reportlab and return its name.

    reportlab reads TrueType only, so the woff2 the pages load is unpacked in memory once per
    process. Its layout tables stay, and reportlab hands the text to HarfBuzz (``uharfbuzz``)
    to take each letter's joining form from them; the font holds Mongolian only, so digits,
    spaces and Chinese in a label are drawn with :func:`cjk_font`.
    """
    font = FontFile(str(MONGOLIAN_WOFF2))
    font.flavor = None
    unpacked = BytesIO()
    font.save(unpacked)
    unpacked.seek(0)
    pdfmetrics.registerFont(TTFont(MONGOLIAN_FONT_NAME, unpacked))
    return MONGOLIAN_FONT_NAME
