"""A resident takes their data away on a phone: face verification, the export queued, the worker's progress
on the page without a reload, the zip downloaded once it is ready; a build that fails is tried again."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.visual import check_page
from tests.wallet.authorization.fixtures import collect, resident_id_of
from tests.wallet.browser.resident_sign_in import log_in_first_time
from tests.wallet.data_rights.exporting import job_of, stored_chunks
from wallet.clients.fiscal import FiscalClient
from wallet.services import export_jobs
from wallet.services.data_export import build_export
from wallet.worker import Worker

HELD_AFTER = 2  # layout files the worker fetches before the test holds it, to look at its progress


@pytest.fixture
def held_network(monkeypatch) -> Iterator[threading.Event]:
    """Layout files stop coming after ``HELD_AFTER`` until the returned event is set."""
    release, served, calls = threading.Event(), FiscalClient.layout_file, []

    def held(self, code: str, number: str) -> bytes:
        calls.append(code)
        if len(calls) > HELD_AFTER:
            release.wait(timeout=60)
        return served(self, code, number)

    monkeypatch.setattr(FiscalClient, "layout_file", held)
    yield release
    release.set()


def broken(*_args: object) -> None:
    raise OSError("no space left on device")


def start_worker(wallet_app) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=Worker(wallet_app, poll_seconds=0.1).run, args=(stop,), daemon=True)
    thread.start()
    return thread, stop


def test_resident_exports_their_data_on_a_phone(
    system, seeded_idp, network, wallet_app, fiscal_client, held_network, monkeypatch, page: Page, tmp_path
):
    log_in_first_time(page, "乌日娜")
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    collect(wallet_app, fiscal_client, "p1")
    rid, bills = resident_id_of(wallet_app), network.payer_bill_count("p1")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的").click()
    page.get_by_role("link", name="导出我的数据").click()
    expect(page.get_by_role("heading", name="导出我的数据")).to_be_visible()
    expect(page.get_by_text("导出前需要先完成人脸核验")).to_be_visible()
    check_page(page, "export-before-face")

    page.get_by_role("link", name="人脸核验后开始导出").click()
    expect(page.get_by_role("heading", name="人脸核验")).to_be_visible()
    page.get_by_role("button", name="开始人脸核验").click()
    expect(page.get_by_role("button", name="开始导出")).to_be_visible()
    check_page(page, "export-face-verified")

    # No worker runs yet: the request queues the export and the page says so; nothing is built.
    page.get_by_role("button", name="开始导出").click()
    job = page.get_by_test_id("export-job")
    expect(job).to_contain_text("正在排队")
    queued = job_of(wallet_app, rid)
    assert queued is not None and queued.state == "queued" and stored_chunks(wallet_app, rid) == 0
    check_page(page, "export-queued")

    thread, stop = start_worker(wallet_app)
    try:
        expect(page.get_by_test_id("export-progress")).to_have_text(f"{HELD_AFTER}/{bills}", timeout=15000)
        expect(job).to_contain_text("生成中")
        check_page(page, "export-running")
        held_network.set()
        download = page.get_by_role("link", name="下载压缩包")
        expect(download).to_be_visible(timeout=20000)
        expect(job).to_contain_text("下载有效至")
        check_page(page, "export-ready")
        with page.expect_download() as started:
            download.click()
        saved = tmp_path / "export.zip"
        started.value.save_as(saved)

        # A build that breaks says so and offers another try, which then succeeds.
        monkeypatch.setattr(export_jobs, "build_export", broken)
        page.get_by_role("button", name="重新生成压缩包").click()
        expect(page.get_by_test_id("export-error")).to_contain_text("生成导出文件时出错", timeout=15000)
        check_page(page, "export-failed")
        monkeypatch.setattr(export_jobs, "build_export", build_export)
        page.get_by_role("button", name="重新导出").click()
        expect(page.get_by_role("link", name="下载压缩包")).to_be_visible(timeout=20000)
    finally:
        stop.set()
        thread.join(timeout=20)
    with zipfile.ZipFile(saved) as archive:
        names = set(archive.namelist())
    assert {"account.json", "bills.json"} <= names and len([n for n in names if n.startswith("pdfs/")]) == bills
