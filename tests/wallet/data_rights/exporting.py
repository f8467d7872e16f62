"""The resident's moves on the export page, and the worker run in this process to build what they asked for."""

from __future__ import annotations

import io
import re
import zipfile

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.conftest import csrf_token_of
from tests.wallet.auth.flows import back_from_stub
from wallet.extensions import db
from wallet.models import DataExport, DataExportChunk
from wallet.worker import Worker

DOWNLOAD_LINK = re.compile(r'href="(/me/export/[^"/]+/download)"')


def face_verified(client: FlaskClient, stub_browser) -> None:
    back = back_from_stub(client, "/auth/step-up?next=/me/export", http=stub_browser)
    assert back.status_code == 302 and back.headers["Location"] == "/me/export"


def ask_for_export(client: FlaskClient, **headers: str) -> TestResponse:
    page = client.get("/me/export")
    assert page.status_code == 200
    return client.post("/me/export", data={"csrf_token": csrf_token_of(page.get_data(as_text=True))}, headers=headers)


def run_worker(wallet_app) -> None:
    """One round of the worker, as ``flask wallet work`` runs it, in this process."""
    Worker(wallet_app).tick()


def job_of(wallet_app, resident_id: int) -> DataExport | None:
    with wallet_app.app_context():
        db.session.expire_all()
        return db.session.get(DataExport, resident_id)


def stored_chunks(wallet_app, resident_id: int) -> int:
    with wallet_app.app_context():
        return db.session.execute(
            select(func.count()).select_from(DataExportChunk).where(DataExportChunk.resident_id == resident_id)
        ).scalar_one()


def download_link(client: FlaskClient) -> str:
    match = DOWNLOAD_LINK.search(client.get("/me/export").get_data(as_text=True))
    assert match, "the export page offers no download"
    return match.group(1)


def downloaded(client: FlaskClient, link: str) -> zipfile.ZipFile:
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def export(client: FlaskClient, wallet_app, stub_browser) -> zipfile.ZipFile:
    """The whole journey: face verification, the request, the worker's build, the download."""
    face_verified(client, stub_browser)
    assert ask_for_export(client).status_code == 303
    run_worker(wallet_app)
    return downloaded(client, download_link(client))
