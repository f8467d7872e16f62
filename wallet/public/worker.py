"""The offline wallet's service worker and the page it shows for a page it has no copy of.

The worker is served from the wallet's root, not from /static/, so its scope covers every
resident page. The list of files it keeps for the app shell is written into it here, with a
version that is the digest of those files and of the visitor's language: a change to any of them,
or a switch of language, changes the worker's bytes, so browsers install it again and refresh
their copy (the offline page is kept in the language it speaks).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Response, current_app, render_template, url_for

from common.i18n import current_locale
from common.own_scripts import minify
from wallet.public import bp

WORKER = "js/sw.js"
# Scripts the worker imports (importScripts): part of its version, so a change installs it again.
IMPORTED = ("js/push-sw.js",)
VERSION_MARK = '"__SHELL_VERSION__"'
FILES_MARK = '["__SHELL_FILES__"]'
# The static files the worker keeps at install, beside the page for a page it has no copy of.
SHELL = (
    "css/app.css",
    "vendor/htmx/htmx.min.js",
    "vendor/htmx-ext-sse/sse.min.js",
    "js/refusals.js",
    "js/keep-focus.js",
    "js/live.js",
    "js/offline.js",
    "icons/favicon.svg",
    "vendor/tabler-icons/tabler-sprite.svg",
    "manifest.webmanifest",
)


@cache
def _worker_source(static_folder: str, urls: tuple[str, ...], locale: str) -> str:
    folder = Path(static_folder)
    digest = hashlib.sha256(locale.encode())
    for name in (WORKER, *IMPORTED, *SHELL):
        digest.update((folder / name).read_bytes())
    source = minify((folder / WORKER).read_text(encoding="utf-8"))  # common/own_scripts.py says why
    return source.replace(VERSION_MARK, json.dumps(digest.hexdigest()[:16])).replace(FILES_MARK, json.dumps(urls))


@bp.get("/sw.js")
def worker() -> Response:
    urls = (*(url_for("static", filename=name) for name in SHELL), url_for("public.offline"))
    source = _worker_source(str(current_app.static_folder), urls, current_locale())
    return Response(source, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/offline")
def offline() -> str:
    """The worker's answer for a page it has no copy of while there is no network. Kept in the
    shell, which every resident of the phone shares, so it names nobody."""
    return render_template("wallet/offline/offline.html")
