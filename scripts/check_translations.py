"""``make check-translations``: the resident, public and login pages are whole in Mongolian.

Two ways a Mongolian page can fall back to Chinese, both caught here before a resident sees them:

- a marked text with no usable translation in ``translations/mn`` (missing, empty or fuzzy), or a
  translation whose ``%(name)s`` placeholders differ from the text's (a value lost, or a
  ``KeyError`` when the page renders); or a catalog whose header is fuzzy, which
  ``pybabel compile`` leaves out whole;
- a Chinese text in one of those templates that was never marked at all. The bill's face is
  rendered from data, so a Chinese character written in these templates is always interface text.

Every marked text of the Python parts counts (wallet, common, identity stub): a text marked there
may reach a resident through a flash or a refusal. Unit, finance and API pages are left out of
the template scan; they stay Chinese. Roots are parameters, so the tests run this on a small tree.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

RESIDENT_TEMPLATES = (
    "templates/base.html",
    "templates/wallet/layout.html",
    "templates/components",
    "templates/errors",
    "templates/macros",
    *(
        f"templates/wallet/{area}"
        for area in (
            "auth",
            "authorize",
            "bills",
            "family",
            "import",
            "ledger",
            "offline",
            "public",
            "resident",
            "share",
        )
    ),
    "templates/idp",
)
STAFF_TEMPLATES = ("templates/macros/staff_login.html",)
PYTHON_ROOTS = ("wallet", "common", "identity_stub")
CATALOG = "translations/mn/LC_MESSAGES/messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "silent": "false"}

PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
# Han ideographs, CJK punctuation (、。「」…) and full-width forms (，：（）): Chinese a reader sees.
CJK = re.compile(r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e\U00020000-\U0002ffff]+")
_STRING = r"(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')"
# What a template may hold in Chinese: comments, trans blocks, the literals given to gettext,
# a data value a template compares with (``payer.type == '个人'``: never shown), and an element
# declared Chinese on its line (``lang="zh-CN"``: the bill's own face, which stays as issued).
_MASKED = re.compile(
    r"<!--.*?-->"
    r"|\{#.*?#\}"
    r"|\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}"
    rf"|\b(?:_|gettext|ngettext|lazy_gettext|pgettext|npgettext)\(\s*{_STRING}(?:\s*,\s*{_STRING})*"
    rf"|(?:==|!=)\s*{_STRING}"
    r"|<(\w+)\b[^>\n]*\blang=\"zh-CN\"[^>\n]*>[^\n]*?</\1>",
    re.DOTALL,
)


@dataclass(frozen=True)
class Problem:
    """One finding: where it is, the text concerned, and what is wrong with it."""

    path: str
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}: {self.text!r}"


@dataclass(frozen=True)
class Marked:
    path: str
    line: int
    msgid: str


def files_under(root: Path, entries: Iterable[str], suffix: str, excluded: Iterable[str] = ()) -> list[Path]:
    """The files ending in ``suffix`` that are, or lie under, ``entries`` (paths relative to ``root``)."""
    skip = {root / entry for entry in excluded}
    found: set[Path] = set()
    for entry in entries:
        path = root / entry
        candidates = [path] if path.is_file() else sorted(path.rglob(f"*{suffix}")) if path.is_dir() else []
        found.update(p for p in candidates if p.suffix == suffix and p not in skip)
    return sorted(found)


def marked_texts(root: Path, templates: Sequence[Path], python_files: Sequence[Path]) -> Iterator[Marked]:
    """Every msgid extracted from the files, the singular one for a plural call."""
    jobs: list[tuple[Path, Callable[..., Any] | str, dict[str, str]]] = [
        *((p, babel_extract, JINJA_OPTIONS) for p in templates),
        *((p, "python", {}) for p in python_files),
    ]
    for path, method, options in jobs:
        with path.open("rb") as source:
            for line, message, _comments, _context in extract(method, source, KEYWORDS, options=options):
                msgid = message[0] if isinstance(message, tuple) else message
                if msgid:
                    yield Marked(str(path.relative_to(root)), line, msgid)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def strings_of(string: object) -> list[object]:
    """The translations of an entry: one, or one per plural form."""
    return list(string) if isinstance(string, (tuple, list)) else [string]


def catalog_problems(catalog_path: Path, marked: Iterable[Marked]) -> list[Problem]:
    """Marked texts the Mongolian catalog leaves untranslated, fuzzy, or with other placeholders."""
    catalog = None
    if catalog_path.is_file():
        with catalog_path.open("rb") as source:
            catalog = read_po(source, locale="mn")
    problems: list[Problem] = []
    if catalog is not None and catalog.fuzzy:  # pybabel compile skips a fuzzy catalog whole
        problems.append(Problem(str(catalog_path), 1, "", "the catalog's header is marked fuzzy"))
    seen: set[str] = set()
    for item in marked:
        if item.msgid in seen:
            continue
        seen.add(item.msgid)
        entry = catalog.get(item.msgid) if catalog is not None else None
        translations = [str(t or "") for t in strings_of(entry.string)] if entry is not None else []
        if entry is None:
            reason = "no Mongolian translation"
        elif entry.fuzzy:
            reason = "fuzzy Mongolian translation"
        elif not all(translations):
            reason = "empty Mongolian translation"
        elif any(placeholders(t) != placeholders(item.msgid) for t in translations):
            reason = "placeholders differ in the Mongolian translation"
        else:
            continue
        problems.append(Problem(item.path, item.line, item.msgid, reason))
    return problems


def masked(text: str) -> str:
    """``text`` with its comments, trans blocks and gettext literals blanked, lines kept where they were."""
    return _MASKED.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def unmarked_chinese(root: Path, templates: Iterable[Path]) -> list[Problem]:
    """Chinese written in a template outside gettext: a page that stays Chinese in Mongolian."""
    problems: list[Problem] = []
    for path in templates:
        for number, line in enumerate(masked(path.read_text(encoding="utf-8")).splitlines(), start=1):
            problems.extend(
                Problem(str(path.relative_to(root)), number, run.group(0), "Chinese text not marked for translation")
                for run in CJK.finditer(line)
            )
    return problems


def check(
    root: Path,
    templates: Sequence[str] = RESIDENT_TEMPLATES,
    python_roots: Sequence[str] = PYTHON_ROOTS,
    catalog: str = CATALOG,
    excluded: Sequence[str] = STAFF_TEMPLATES,
) -> list[Problem]:
    """Every problem found under ``root``; the paths are relative to it."""
    template_files = files_under(root, templates, ".html", excluded)
    python_files = files_under(root, python_roots, ".py")
    marked = marked_texts(root, template_files, python_files)
    return catalog_problems(root / catalog, marked) + unmarked_chinese(root, template_files)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    problems = check(args.root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} translation problem(s) on the resident, public and login pages", file=sys.stderr)
        return 1
    print("every resident, public and login text is translated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
