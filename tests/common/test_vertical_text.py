"""Mongolian set in vertical columns for the wallet's PDFs: where a text breaks, which font draws what,
and how wide a column block is."""

from __future__ import annotations

from common.pdf_fonts import cjk_font, mongolian_font
from common.vertical_text import VerticalText, columns, line_length, run_width, runs

WORDS = "ᠪᠠᠷᠢᠮᠲᠠ\u202fᠶᠢᠨ ᠨᠡᠶᠢᠲᠡ ᠳᠦᠩ 1234.00 ᠶᠤᠸᠠᠨ"


def test_mongolian_runs_take_the_mongolian_font_and_digits_and_spaces_the_cjk_one():
    assert runs("ᠨᠡᠶᠢᠲᠡ 12 ᠳᠦᠩ") == [(mongolian_font(), "ᠨᠡᠶᠢᠲᠡ"), (cjk_font(), " 12 "), (mongolian_font(), "ᠳᠦᠩ")]
    assert runs("ᠪᠠᠷᠢᠮᠲᠠ\u202fᠶᠢᠨ") == [(mongolian_font(), "ᠪᠠᠷᠢᠮᠲᠠ\u202fᠶᠢᠨ")]  # a suffix stays in its word's run


def test_a_joined_word_is_measured_as_shaped_not_letter_by_letter():
    word = "ᠪᠠᠷᠢᠮᠲᠠ"
    letters = sum(run_width(mongolian_font(), letter, 10) for letter in word)
    assert 0 < run_width(mongolian_font(), word, 10) < letters


def test_a_text_breaks_between_words_into_columns_no_longer_than_the_height():
    height = line_length("ᠪᠠᠷᠢᠮᠲᠠ\u202fᠶᠢᠨ ᠨᠡᠶᠢᠲᠡ", 9) + 1
    lines = columns(WORDS, 9, height)
    assert " ".join(lines) == WORDS and len(lines) > 1
    assert all(line_length(line, 9) <= height for line in lines)


def test_a_separating_mark_never_starts_a_column():
    text = "ᠪᠠᠷᠢᠮᠲᠠ · ᠨᠡᠶᠢᠲᠡ"
    assert not any(line.startswith("·") for line in columns(text, 9, line_length("ᠪᠠᠷᠢᠮᠲᠠ", 9) + 0.5))


def test_columns_grow_longer_rather_than_wider_than_their_cell():
    label = VerticalText(WORDS, 9, line_length("ᠪᠠᠷᠢᠮᠲᠠ\u202fᠶᠢᠨ", 9) + 1)
    wide = label.width
    assert wide == len(label.lines) * label.leading and len(label.lines) > 2
    width, height = label.wrap(wide - label.leading / 2, 1000)
    assert width < wide and height > label.column_height
