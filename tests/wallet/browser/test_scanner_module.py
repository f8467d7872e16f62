"""static/js/scanner.js in real Chromium, with a fake camera that films a generated bill's QR code.

The page under test is served by Playwright routing (no wallet route is involved) with the
wallet's own Content-Security-Policy; it holds only ``<script src>`` tags, like the import page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from jinja2 import Environment, FileSystemLoader
from playwright.sync_api import Browser, BrowserContext, BrowserType, Page, Route, expect

from common.web import content_security_policy
from tests.wallet.browser.fake_camera import camera_film, with_camera
from tests.wallet.scan.bill_photos import BASE_URL, SAMPLE
from wallet.scan.payload import build_payload_url

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "static"
FIXTURES = Path(__file__).resolve().parent / "scanner_fixtures"
ORIGIN = "http://127.0.0.1:5999"  # never contacted: routing answers every request
PAYLOAD = build_payload_url(SAMPLE, BASE_URL)
NO_CAMERA = "没有找到可用的相机。请改为上传票据照片或手动输入五要素。"
DENIED = "没有相机权限。请在浏览器或蒙速办设置中允许使用相机，或改为上传照片、手动输入五要素。"

FORM = """
<form method="post" action="/import/qr">
  <input type="hidden" name="csrf_token" value="test-token">
  <div data-qr-scanner>
    <video muted playsinline></video>
    {buttons}
    <p data-qr-status role="status" aria-live="polite"></p>
    <input type="hidden" name="qr_text" data-qr-result>
  </div>
</form>
"""
BUTTONS = '<button type="button" data-qr-start>扫描二维码</button><button type="button" data-qr-stop>停止扫描</button>'


@cache
def scanner_texts() -> str:
    """The scanner's messages as a Chinese page of the wallet carries them (the script reads them there)."""
    templates = Environment(
        loader=FileSystemLoader(ROOT / "templates"), extensions=["jinja2.ext.i18n"], autoescape=True
    )
    templates.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    return templates.get_template("wallet/script_texts/scanner.html").render()


def page_html(body: str, before: tuple[str, ...] = (), module: str = "/static/js/scanner.js", mode: str = "") -> str:
    scripts = "".join(f'<script src="{src}"></script>' for src in before)
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>扫码导入</title>'
        f'<script src="/static/vendor/jsqr/jsQR.js"></script>{scripts}'
        f'<script type="module" src="{module}"></script></head>'
        f'<body data-mode="{mode}">{body}{scanner_texts()}</body></html>'
    )


@dataclass
class FakeSite:
    """Answers the browser's requests: the test pages, static/ and the fixture scripts."""

    pages: dict[str, str]
    posts: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)

    def handle(self, route: Route) -> None:
        request = route.request
        path = urlsplit(request.url).path
        headers = {"Content-Security-Policy": content_security_policy("'self'")}
        if request.method == "POST":
            self.posts.append((path, parse_qs(request.post_data or "")))
            route.fulfill(
                status=200,
                headers=headers,
                content_type="text/html; charset=utf-8",
                body="<!doctype html><title>已提交</title><h1>已提交</h1>",
            )
        elif path in self.pages:
            route.fulfill(status=200, headers=headers, content_type="text/html; charset=utf-8", body=self.pages[path])
        elif (file := self.local_file(path)) is not None:
            route.fulfill(
                status=200, headers=headers, content_type="text/javascript; charset=utf-8", body=file.read_bytes()
            )
        else:
            route.fulfill(status=404, headers=headers, body="not found")

    @staticmethod
    def local_file(path: str) -> Path | None:
        for prefix, folder in (("/static/", STATIC), ("/fixtures/", FIXTURES)):
            if path.startswith(prefix):
                file = (folder / path[len(prefix) :]).resolve()
                if file.is_file() and file.is_relative_to(folder):
                    return file
        return None


@pytest.fixture(scope="module")
def fake_camera_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seconds of a camera looking at the bill's QR code on white paper, as Chromium reads it."""
    return camera_film(PAYLOAD, tmp_path_factory.mktemp("camera"), scale=5)


@pytest.fixture(scope="module")
def camera_browser(
    browser_type: BrowserType, browser_type_launch_args: dict, fake_camera_video: Path
) -> Iterator[Browser]:
    browser = browser_type.launch(**with_camera(browser_type_launch_args, fake_camera_video, consent=True))
    yield browser
    browser.close()


@pytest.fixture
def visit(camera_browser: Browser) -> Iterator[Callable[..., tuple[Page, list[str]]]]:
    """Opens a path of a fake site in a fresh phone-sized context; collects script errors."""
    contexts: list[BrowserContext] = []

    def open_page(
        site: FakeSite, path: str, *, browser: Browser = camera_browser, camera_allowed: bool = True
    ) -> tuple[Page, list[str]]:
        context = browser.new_context(
            permissions=["camera"] if camera_allowed else [], viewport={"width": 360, "height": 780}, locale="zh-CN"
        )
        contexts.append(context)
        context.route(f"{ORIGIN}/**", site.handle)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{ORIGIN}{path}")
        return page, problems

    yield open_page
    for context in contexts:
        context.close()


def test_scanning_a_bill_fills_the_hidden_field_and_submits_its_form(visit):
    site = FakeSite({"/import": page_html(FORM.format(buttons=BUTTONS))})
    page, problems = visit(site, "/import")
    with page.expect_navigation(url=f"{ORIGIN}/import/qr"):
        page.get_by_role("button", name="扫描二维码").click()
    expect(page.get_by_role("heading")).to_have_text("已提交")
    assert site.posts == [("/import/qr", {"csrf_token": ["test-token"], "qr_text": [PAYLOAD]})]
    assert problems == []


def test_the_read_code_stays_in_the_field_and_the_camera_is_released(visit):
    body = FORM.format(buttons=BUTTONS)
    site = FakeSite(
        {"/import": page_html(body, before=("/fixtures/hold_submit.js", "/fixtures/record_camera_requests.js"))}
    )
    page, problems = visit(site, "/import")
    page.get_by_role("button", name="扫描二维码").click()
    page.wait_for_function("() => window.submissions.length === 1")
    expect(page.locator("[data-qr-result]")).to_have_value(PAYLOAD)
    expect(page.get_by_role("status")).to_have_text("已识别二维码，正在核验票据…")
    assert page.evaluate("window.submissions") == [{"csrf_token": "test-token", "qr_text": PAYLOAD}]
    assert page.evaluate("document.querySelector('video').srcObject") is None
    expect(page.locator("[data-qr-scanner]")).not_to_have_attribute("data-qr-scanning", "")
    requests = page.evaluate("window.cameraRequests")
    assert [request["video"]["facingMode"] for request in requests] == [{"ideal": "environment"}]
    assert requests[0]["audio"] is False
    assert page.evaluate("window.cameraStreams.flatMap(s => s.getTracks()).map(t => t.readyState)") == ["ended"]
    assert problems == []


def test_the_stop_button_releases_the_camera_and_says_so(visit):
    scripts = ("/fixtures/blind_barcode_detector.js", "/fixtures/record_camera_requests.js")
    site = FakeSite({"/import": page_html(FORM.format(buttons=BUTTONS), before=scripts)})
    page, problems = visit(site, "/import")
    expect(page.get_by_role("button", name="停止扫描")).to_be_disabled()
    page.get_by_role("button", name="扫描二维码").click()
    expect(page.get_by_role("status")).to_have_text("请将票据上的二维码放在取景框内，保持稳定。")
    expect(page.locator("[data-qr-scanner]")).to_have_attribute("data-qr-scanning", "")
    assert page.evaluate("window.cameraStreams.flatMap(s => s.getTracks()).map(t => t.readyState)") == ["live"]
    page.get_by_role("button", name="停止扫描").click()
    expect(page.get_by_role("status")).to_have_text("已停止扫码。")
    assert page.evaluate("window.cameraStreams.flatMap(s => s.getTracks()).map(t => t.readyState)") == ["ended"]
    assert page.evaluate("document.querySelector('video').srcObject") is None
    expect(page.get_by_role("button", name="扫描二维码")).to_be_enabled()
    assert site.posts == []
    assert problems == []


def test_stop_ends_every_camera_track(visit):
    site = FakeSite({"/probe": page_html("<video></video>", module="/fixtures/probe.js", mode="stop")})
    page, problems = visit(site, "/probe")
    page.wait_for_function("() => window.scannerReport && window.scannerReport.tracksEndedAfterStop !== null")
    report = page.evaluate("window.scannerReport")
    assert report["liveTracksBeforeStop"] == 1
    assert report["tracksEndedAfterStop"] is True
    assert report["videoCleared"] is True
    page.wait_for_timeout(500)  # a scan still running would read the code within a few intervals
    assert page.evaluate("window.scannerReport.codes") == []
    assert problems == []


def test_start_scanner_reports_the_code_once_and_releases_the_camera(visit):
    site = FakeSite({"/probe": page_html("<video></video>", module="/fixtures/probe.js", mode="read")})
    page, problems = visit(site, "/probe")
    page.wait_for_function("() => window.scannerReport && window.scannerReport.codes.length > 0")
    page.wait_for_timeout(500)  # a second read would land within a few scan intervals
    report = page.evaluate("window.scannerReport")
    assert report["codes"] == [PAYLOAD]
    assert report["videoCleared"] is True
    assert report["statuses"] == [
        "正在打开相机…",
        "请将票据上的二维码放在取景框内，保持稳定。",
        "已识别二维码，正在核验票据…",
    ]
    assert report["errors"] == []
    assert problems == []


def test_a_working_native_barcode_detector_is_preferred(visit):
    page_text = page_html(FORM.format(buttons=""), before=("/fixtures/working_barcode_detector.js",))
    site = FakeSite({"/import": page_text})
    page, problems = visit(site, "/import")
    page.wait_for_url(f"{ORIGIN}/import/qr")
    assert site.posts == [("/import/qr", {"csrf_token": ["test-token"], "qr_text": ["read-by-native-detector"]})]
    assert problems == []


def test_a_native_detector_that_does_not_work_falls_back_to_jsqr(visit):
    page_text = page_html(FORM.format(buttons=""), before=("/fixtures/broken_barcode_detector.js",))
    site = FakeSite({"/import": page_text})
    page, problems = visit(site, "/import")
    page.wait_for_url(f"{ORIGIN}/import/qr")
    assert site.posts == [("/import/qr", {"csrf_token": ["test-token"], "qr_text": [PAYLOAD]})]
    assert problems == []


@pytest.mark.parametrize(
    "fake_camera, consent, message",
    [
        pytest.param(True, False, DENIED, id="camera-refused"),
        pytest.param(False, True, NO_CAMERA, id="no-camera"),
    ],
)
def test_a_camera_that_cannot_be_used_is_explained_in_chinese_and_nothing_is_submitted(
    browser_type: BrowserType,
    browser_type_launch_args: dict,
    fake_camera_video: Path,
    visit,
    fake_camera: bool,
    consent: bool,
    message: str,
):
    launch = with_camera(browser_type_launch_args, fake_camera_video if fake_camera else None, consent)
    browser = browser_type.launch(**launch)
    try:
        site = FakeSite({"/import": page_html(FORM.format(buttons=BUTTONS))})
        page, _ = visit(site, "/import", browser=browser, camera_allowed=consent)
        page.get_by_role("button", name="扫描二维码").click()
        expect(page.get_by_role("status")).to_have_text(message)
        expect(page.locator("[data-qr-scanner]")).to_have_attribute("data-qr-error", "")
        expect(page.get_by_role("button", name="扫描二维码")).to_be_enabled()
        assert site.posts == []
    finally:
        browser.close()
