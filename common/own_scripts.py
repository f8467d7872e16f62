"""The project's own scripts, served without their comments and spacing.

The scripts under ``static/js`` are written to be read: their comments say why each part is
there, and make up about half of what they weigh. A phone on a slow mobile network pays for
every byte the bill list loads (its budget: 25 KB of script, gzipped, service worker included;
``make check-ui``), so each of them is sent minified (rjsmin: comments and spacing out, nothing
renamed). Each is minified once per process, and again when its file changes. Vendored
libraries come minified already and are sent as they are.
"""

from __future__ import annotations

import hashlib
import io
import os
from functools import lru_cache

import rjsmin
from flask import Flask, Response, send_file
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

OWN = "js/"


def minify(source: str) -> str:
    return str(rjsmin.jsmin(source))


@lru_cache(maxsize=64)
def _minified(path: str, changed_ns: int) -> tuple[bytes, str]:
    """The minified script and its ETag; keyed by the file's change time, so an edit is sent anew."""
    body = minify(open(path, encoding="utf-8").read()).encode()
    return body, hashlib.sha256(body).hexdigest()[:20]


class PartApp(Flask):
    """A part's app: its static files as Flask sends them, its own scripts minified."""

    def send_static_file(self, filename: str) -> Response:
        if not (filename.startswith(OWN) and filename.endswith(".js")) or self.static_folder is None:
            return super().send_static_file(filename)
        path = safe_join(self.static_folder, filename)
        if path is None or not os.path.isfile(path):
            raise NotFound()
        stat = os.stat(path)
        body, etag = _minified(path, stat.st_mtime_ns)
        return send_file(
            io.BytesIO(body),
            mimetype="text/javascript",
            etag=etag,
            last_modified=stat.st_mtime,
            max_age=self.get_send_file_max_age(filename),
        )
