"""The resident's scripts carry no text of their own: each message is rendered by the page through gettext.

A script cannot call gettext, so a message written into it would stay Chinese on a Mongolian page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "static" / "js"
TEXTS = ROOT / "templates" / "wallet" / "script_texts"
RESIDENT_SCRIPTS = ("scanner.js", "bill-forms.js", "offline.js", "push.js", "refusals.js", "keep-focus.js", "live.js")
TEXTS_OF = {"scanner.js": "scanner.html", "bill-forms.js": "bill_forms.html", "push.js": "push.html"}
HAN = re.compile(r"[\u4e00-\u9fff]")
COMMENT = re.compile(r"(^|\s)//.*$")


def code_lines(script: str) -> list[str]:
    """The script's lines without their comments (which may speak Chinese: they are not shown)."""
    return [COMMENT.sub("", line) for line in (SCRIPTS / script).read_text(encoding="utf-8").splitlines()]


def camel(attribute: str) -> str:
    head, *rest = attribute.split("-")
    return head + "".join(word.capitalize() for word in rest)


@pytest.mark.parametrize("script", RESIDENT_SCRIPTS)
def test_a_resident_script_has_no_chinese_text_of_its_own(script: str) -> None:
    assert [line.strip() for line in code_lines(script) if HAN.search(line)] == []


@pytest.mark.parametrize(("script", "template"), TEXTS_OF.items())
def test_every_message_a_script_reads_is_rendered_by_its_template(script: str, template: str) -> None:
    code = "\n".join(code_lines(script))
    read = set(re.findall(r'\btext\("(\w+)"', code)) | set(re.findall(r"\bmessages\(\)\.(\w+)", code))
    markup = (TEXTS / template).read_text(encoding="utf-8")
    rendered = {camel(name) for name in re.findall(r"\bdata-([a-z-]+)=", markup)}
    assert read and read == rendered
    assert len(re.findall(r"\{\{ _\(", markup)) == len(rendered), "each message goes through gettext"
