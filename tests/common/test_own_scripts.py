"""The project's own scripts are sent minified, cached like any static file; everything else as it is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from common.own_scripts import PartApp

SCRIPT = """// Why the page does this: a comment the phone need not download.
(() => {
  /* A block comment, also left out. */
  const url = `/live?seq=${1}`; // a template literal stays whole, "//" and all
  const pattern = /a\\/\\/b/g;
  window.shown = [url, pattern.source, "x // y"];
})();
"""


@pytest.fixture
def app(tmp_path: Path) -> PartApp:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "page.js").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "lib.js").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "js" / "notes.txt").write_text("// kept as it is", encoding="utf-8")
    return PartApp(__name__, static_folder=str(tmp_path), static_url_path="/static")


def test_an_own_script_is_sent_without_comments_or_spacing(app: PartApp) -> None:
    response = app.test_client().get("/static/js/page.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert "comment" not in body and "\n  " not in body
    assert "`/live?seq=${1}`" in body and '"x // y"' in body and "/a\\/\\/b/g" in body
    assert len(body) < len(SCRIPT) / 2


def test_an_unchanged_script_is_answered_304_and_an_edited_one_anew(app: PartApp, tmp_path: Path) -> None:
    client = app.test_client()
    first = client.get("/static/js/page.js")
    etag = first.headers["ETag"]
    assert client.get("/static/js/page.js", headers={"If-None-Match": etag}).status_code == 304
    path = tmp_path / "js" / "page.js"
    path.write_text(SCRIPT.replace("shown", "seen"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    edited = client.get("/static/js/page.js", headers={"If-None-Match": etag})
    assert edited.status_code == 200 and "window.seen" in edited.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "sent"), [("/static/vendor/lib.js", SCRIPT), ("/static/js/notes.txt", "// kept as it is")]
)
def test_vendored_scripts_and_other_files_are_sent_as_they_are(app: PartApp, path: str, sent: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == sent


@pytest.mark.parametrize("path", ["/static/js/missing.js", "/static/js/../../secret.js", "/static/js/%2e%2e/x.js"])
def test_a_missing_or_escaping_script_is_404(app: PartApp, tmp_path: Path, path: str) -> None:
    (tmp_path.parent / "secret.js").write_text("const secret = 1;", encoding="utf-8")
    assert app.test_client().get(path).status_code == 404
