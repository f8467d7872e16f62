"""The export holds the full ID number and every bill: it starts only after face verification, the worker
builds it (never the web request), the page follows it, and only its owner may download it, for a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.wallet.auth.flows import log_in
from tests.wallet.authorization.fixtures import as_unit, auth_row, claimable, grant, resident_id_of
from tests.wallet.data_rights.exporting import (
    ask_for_export,
    download_link,
    downloaded,
    export,
    face_verified,
    job_of,
    run_worker,
    stored_chunks,
)
from tests.wallet.data_rights.test_deactivate import submit
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models import DataExport, Resident
from wallet.services import export_jobs
from wallet.services.reimbursement import Feedback, lock_claim, record_feedback


@pytest.fixture
def layout_calls(monkeypatch) -> list[str]:
    """Every layout file fetched from the network, in order (building an export fetches them all)."""
    calls: list[str] = []
    served = FiscalClient.layout_file

    def counted(self, code: str, number: str) -> bytes:
        calls.append(f"{code}-{number}")
        return served(self, code, number)

    monkeypatch.setattr(FiscalClient, "layout_file", counted)
    return calls


def exports_queued(wallet_app) -> int:
    with wallet_app.app_context():
        return db.session.execute(select(func.count()).select_from(DataExport)).scalar_one()


def test_without_face_verification_the_export_is_refused_and_nothing_is_queued(resident_client, wallet_app):
    page = resident_client.get("/me/export").get_data(as_text=True)
    assert "人脸核验后开始导出" in page and 'action="/me/export"' not in page
    token = csrf_token_of(page)
    plain = resident_client.post("/me/export", data={"csrf_token": token})
    assert plain.status_code == 302 and plain.headers["Location"].startswith("/auth/step-up")
    htmx = resident_client.post("/me/export", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith("/auth/step-up")
    api = resident_client.post("/me/export", data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert api.status_code == 401 and api.get_json()["code"] == "step_up_required"
    assert exports_queued(wallet_app) == 0


def test_the_request_only_queues_and_the_worker_builds_the_file(
    resident_client, wallet_app, stub_browser, layout_calls
):
    rid = resident_id_of(wallet_app)
    face_verified(resident_client, stub_browser)
    asked = ask_for_export(resident_client)
    assert asked.status_code == 303 and asked.headers["Location"] == "/me/export"
    assert layout_calls == [] and stored_chunks(wallet_app, rid) == 0 and job_of(wallet_app, rid).state == "queued"
    page = resident_client.get("/me/export").get_data(as_text=True)
    assert "正在排队" in page and "下载压缩包" not in page and 'hx-get="/me/export/status"' in page

    run_worker(wallet_app)
    job = job_of(wallet_app, rid)
    assert job.state == "ready" and job.done == job.total == len(layout_calls) > 0
    assert stored_chunks(wallet_app, rid) >= 1 and job.size > 0
    status = resident_client.get("/me/export/status").get_data(as_text=True)
    assert "压缩包已于" in status and "下载压缩包" in status and "hx-get" not in status
    archive = downloaded(resident_client, download_link(resident_client))
    assert "account.json" in archive.namelist()


def test_the_page_shows_how_far_the_worker_has_come(resident_client, wallet_app, stub_browser, monkeypatch):
    face_verified(resident_client, stub_browser)
    ask_for_export(resident_client)
    served, seen = FiscalClient.layout_file, []

    def watched(self, code: str, number: str) -> bytes:
        if len(seen) == 2:
            seen.append(resident_client.get("/me/export/status").get_data(as_text=True))
        seen.append(code)
        return served(self, code, number)

    monkeypatch.setattr(FiscalClient, "layout_file", watched)
    run_worker(wallet_app)
    total = job_of(wallet_app, resident_id_of(wallet_app)).total
    progress = f'已处理 <strong data-testid="export-progress">2/{total}</strong> 张票据'
    assert "生成中" in seen[2] and progress in seen[2]
    assert f'<progress max="{total}" value="2"' in seen[2] and 'hx-get="/me/export/status"' in seen[2]


def test_a_second_request_while_one_is_queued_or_running_starts_nothing(resident_client, wallet_app, stub_browser):
    rid = resident_id_of(wallet_app)
    face_verified(resident_client, stub_browser)
    ask_for_export(resident_client)
    first = job_of(wallet_app, rid)
    again = ask_for_export(resident_client, **{"HX-Request": "true"})
    assert again.status_code == 200 and "正在排队" in again.get_data(as_text=True)
    with wallet_app.app_context():
        assert export_jobs.claim_next("another-worker") == rid
    running = ask_for_export(resident_client, **{"HX-Request": "true"}).get_data(as_text=True)
    assert "生成中" in running and "开始导出" not in running
    job = job_of(wallet_app, rid)
    assert exports_queued(wallet_app) == 1 and (job.key, job.state, job.claimed_by) == (
        first.key,
        "running",
        "another-worker",
    )


def test_another_resident_cannot_download_the_export(resident_client, wallet_app, stub_browser, seeded_idp):
    export(resident_client, wallet_app, stub_browser)
    link = download_link(resident_client)
    other = wallet_app.test_client()
    log_in(other, "p2")
    refused = other.get(link)
    assert refused.status_code == 404 and "没有找到这个导出文件" in refused.get_data(as_text=True)
    assert resident_client.get(link.replace("/me/export/", "/me/export/x")).status_code == 404
    assert resident_client.get("/me/export/%E7%A5%A8/download").status_code == 404
    assert resident_client.get(link).status_code == 200


def test_a_failed_build_says_so_in_chinese_and_can_be_retried(resident_client, wallet_app, stub_browser, monkeypatch):
    rid = resident_id_of(wallet_app)
    face_verified(resident_client, stub_browser)
    ask_for_export(resident_client)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_jobs, "build_export", broken)
    run_worker(wallet_app)
    assert job_of(wallet_app, rid).state == "failed" and stored_chunks(wallet_app, rid) == 0
    page = resident_client.get("/me/export").get_data(as_text=True)
    assert "生成导出文件时出错" in page and ">重新导出</button>" in page and "disk full" not in page
    monkeypatch.undo()
    retried = ask_for_export(resident_client, **{"HX-Request": "true"})
    assert "正在排队" in retried.get_data(as_text=True) and job_of(wallet_app, rid).state == "queued"


def test_the_link_lapses_after_a_day_and_the_sweep_deletes_the_file(resident_client, wallet_app, stub_browser):
    rid = resident_id_of(wallet_app)
    export(resident_client, wallet_app, stub_browser)
    link = download_link(resident_client)
    with wallet_app.app_context():
        job = db.session.get(DataExport, rid)
        assert job.expires_at - job.finished_at == timedelta(hours=24)
        job.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    lapsed = resident_client.get(link)
    assert lapsed.status_code == 410 and "下载链接已过期" in lapsed.get_data(as_text=True)
    assert "已删除" in resident_client.get("/me/export").get_data(as_text=True)
    run_worker(wallet_app)  # its sweep
    assert stored_chunks(wallet_app, rid) == 0 and job_of(wallet_app, rid).state == "expired"
    assert resident_client.get(link).status_code == 410


def test_closing_the_account_deletes_the_export_also_when_reimbursements_keep_the_account_row(
    resident_client, wallet_app, stub_browser, demo_units
):
    rid = resident_id_of(wallet_app)
    [paid] = grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1))
    as_unit(wallet_app, "insurer", lock_claim, paid)
    as_unit(
        wallet_app,
        "insurer",
        record_feedback,
        paid,
        Feedback(1000, "S-1", "V-1", auth_row(wallet_app, paid).created_at),
    )
    export(resident_client, wallet_app, stub_browser)
    assert stored_chunks(wallet_app, rid) > 0
    assert submit(resident_client).status_code == 302
    with wallet_app.app_context():
        assert db.session.get(Resident, rid) is not None, "the anonymised account row stays"
    assert job_of(wallet_app, rid) is None and stored_chunks(wallet_app, rid) == 0
