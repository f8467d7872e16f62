"""The vendored Mongolian font draws every letter the Mongolian catalog uses, joined as the script needs.

The woff2 is a subset cut to the catalog's letters (scripts/subset_mongolian_font.py): a new
translation with a letter the subset lacks would show as an empty box on a resident's phone,
so the suite fails until the font is cut again.
"""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from scripts.subset_mongolian_font import CATALOG, CONTROLS, LICENCE, WOFF2, catalog_texts, script_codepoints

# Mongolian letters change shape with their place in the word; vert/vrt2 serve vertical lines.
SHAPING_FEATURES = {"init", "medi", "fina", "isol", "rlig", "vert"}


@pytest.fixture(scope="module")
def font() -> TTFont:
    return TTFont(str(WOFF2))


def test_font_is_a_woff2_with_its_licence_beside_it(font: TTFont):
    assert font.flavor == "woff2"
    licence = LICENCE.read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Copyright" in licence


def test_font_keeps_the_joining_and_vertical_features(font: TTFont):
    features = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
    assert SHAPING_FEATURES <= features, f"features lost in the subset: {sorted(SHAPING_FEATURES - features)}"


def test_font_draws_every_mongolian_character_of_the_catalog(font: TTFont):
    assert CATALOG.exists(), "the Mongolian catalog is part of the project"
    drawn = set(font.getBestCmap())
    # A control the font predates (a newer variation selector) is never drawn, so cannot be missing.
    missing = sorted(script_codepoints(catalog_texts(CATALOG)) - drawn - CONTROLS)
    assert not missing, (
        "the Mongolian font lacks characters the catalog uses: "
        + " ".join(f"U+{cp:04X} {chr(cp)}" for cp in missing)
        + "; cut it again: python -m scripts.subset_mongolian_font"
    )


def test_catalog_letters_are_all_counted_as_the_fonts_work():
    """A Mongolian letter in a translation is something the subset must cover, a digit or Chinese is not."""
    assert script_codepoints(["ᠪᠠᠷᠢᠮᠲᠠ 12 票据"]) >= {ord(c) for c in "ᠪᠠᠷᠢᠮᠲ"}
    assert not script_codepoints(["12 票据 PDF"]) & {ord(c) for c in "12票据PDF "}
