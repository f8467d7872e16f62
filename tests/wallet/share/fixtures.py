"""A resident with bills to share, and the moves around a share link: make it, read it off the page, open it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token_of
from wallet.extensions import db
from wallet.models import ShareLink


@dataclass(frozen=True)
class Made:
    link_id: int
    token: str
    code: str | None


def make_link(client: FlaskClient, bill_ids: list[int], purpose: str = "insurance", days: str = "7", code=False):
    """Press 生成分享链接 and read the link (and access code) off the page it leads to."""
    form = {"csrf_token": csrf_token_of(client.get("/shares/new").get_data(as_text=True)), "purpose": purpose}
    form["days"] = days
    if code:
        form["with_code"] = "1"
    made = client.post("/shares", data={**form, "bill": [str(i) for i in bill_ids]})
    assert made.status_code == 303, made.get_data(as_text=True)
    link_id = int(made.headers["Location"].rsplit("/", 1)[1])
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    found = re.search(r"/shared\?t=([A-Za-z0-9_-]+)", page)
    assert found, "the new link's page shows no link"
    token = found.group(1)
    shown = re.search(r'data-testid="share-code">(?:<[^>]+>)?([0-9]{6})', page)
    return Made(link_id, token, shown.group(1) if shown else None)


def stranger(app: Flask) -> FlaskClient:
    """Someone with no account and no session: the office the link was handed to."""
    return app.test_client()


def link_row(app: Flask, link_id: int) -> ShareLink:
    with app.app_context():
        row = db.session.get_one(ShareLink, link_id)
        db.session.expunge(row)
        return row
