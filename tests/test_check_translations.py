"""``make check-translations`` fails on each way a Mongolian resident page could fall back to Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.check_translations import check, main

PAGE = """{% extends "base.html" %}
{# 注释里的中文不算 #}
<!-- 这里也不算 -->
<h1>{{ _("我的票据") }}</h1>
<p>{{ _("共 %(count)s 张", count=n) }} {{ total|yuan_display }}</p>
{% trans %}请先登录{% endtrans %}
"""
VIEW = """from flask_babel import gettext, lazy_gettext

TITLE = lazy_gettext("票据夹")


def flash_done() -> str:
    return gettext("已保存")
"""
CATALOG = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "我的票据"
msgstr "ᠮᠢᠨᠤ ᠪᠠᠷᠢᠮᠲᠠ"

msgid "共 %(count)s 张"
msgstr "ᠨᠡᠢᠲᠡ %(count)s"

msgid "请先登录"
msgstr "ᠨᠡᠪᠲᠡᠷᠡᠬᠦ"

msgid "票据夹"
msgstr "ᠪᠠᠷᠢᠮᠲᠠ ᠶᠢᠨ ᠬᠠᠪᠲᠠᠰᠤ"

msgid "已保存"
msgstr "ᠬᠠᠳᠠᠭᠠᠯᠠᠪᠠ"
"""
STAFF = "<h1>单位登录</h1>\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A complete tiny project: one resident page, one staff-only macro, one view, their catalog."""
    files = {
        "templates/wallet/resident/me.html": PAGE,
        "templates/macros/staff_login.html": STAFF,
        "templates/wallet/unit/inbox.html": STAFF,
        "wallet/views.py": VIEW,
        "translations/mn/LC_MESSAGES/messages.po": CATALOG,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_complete_tree_passes(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(tree) == []
    assert main(["--root", str(tree)]) == 0
    assert "translated" in capsys.readouterr().out


def test_unmarked_chinese_in_a_template_fails(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tree / "templates/wallet/resident/me.html"
    edit(page, "</h1>", "</h1>\n<p>切换语言</p>")
    problems = check(tree)
    assert [(p.path, p.line, p.text) for p in problems] == [("templates/wallet/resident/me.html", 5, "切换语言")]
    assert main(["--root", str(tree)]) == 1
    assert "templates/wallet/resident/me.html:5:" in capsys.readouterr().out


def test_chinese_punctuation_left_outside_gettext_fails(tree: Path) -> None:
    edit(tree / "templates/wallet/resident/me.html", "{{ total", "：{{ total")
    assert [p.text for p in check(tree)] == ["："]


def test_a_marked_text_without_translation_fails(tree: Path) -> None:
    edit(tree / "wallet/views.py", 'gettext("已保存")', 'gettext("已删除")')
    problems = check(tree)
    assert [(p.path, p.line, p.text, p.reason) for p in problems] == [
        ("wallet/views.py", 7, "已删除", "no Mongolian translation")
    ]


def test_an_empty_translation_fails(tree: Path) -> None:
    edit(tree / "translations/mn/LC_MESSAGES/messages.po", 'msgstr "ᠬᠠᠳᠠᠭᠠᠯᠠᠪᠠ"', 'msgstr ""')
    assert [(p.text, p.reason) for p in check(tree)] == [("已保存", "empty Mongolian translation")]


def test_a_fuzzy_translation_fails(tree: Path) -> None:
    edit(tree / "translations/mn/LC_MESSAGES/messages.po", 'msgid "请先登录"', '#, fuzzy\nmsgid "请先登录"')
    assert [(p.text, p.reason) for p in check(tree)] == [("请先登录", "fuzzy Mongolian translation")]


def test_a_catalog_marked_fuzzy_fails(tree: Path) -> None:
    """``pybabel compile`` skips such a catalog: every Mongolian page would fall back to Chinese."""
    edit(tree / "translations/mn/LC_MESSAGES/messages.po", 'msgid ""\nmsgstr ""', '#, fuzzy\nmsgid ""\nmsgstr ""')
    assert [p.reason for p in check(tree)] == ["the catalog's header is marked fuzzy"]


def test_a_placeholder_mismatch_fails(tree: Path) -> None:
    edit(tree / "translations/mn/LC_MESSAGES/messages.po", "ᠨᠡᠢᠲᠡ %(count)s", "ᠨᠡᠢᠲᠡ %(number)s")
    assert [(p.text, p.reason) for p in check(tree)] == [
        ("共 %(count)s 张", "placeholders differ in the Mongolian translation")
    ]


def test_without_a_catalog_every_marked_text_fails(tree: Path) -> None:
    (tree / "translations/mn/LC_MESSAGES/messages.po").unlink()
    assert len(check(tree)) == 5


def test_staff_pages_are_left_out(tree: Path) -> None:
    """The unit's pages and the staff login stay Chinese: their text is not asked for."""
    assert check(tree) == []
    edit(tree / "templates/wallet/resident/me.html", "</h1>", "</h1>{% include 'macros/staff_login.html' %}")
    assert check(tree) == []
