"""``make check-ui``: Lighthouse (mobile) and axe-core on the resident pages and the unit inbox.

Starts the whole system on throwaway SQLite databases with demo data (a resident with
bills collected from the fiscal stub, some authorized to a unit, one locked), signs a
resident and a unit user in, then audits each page twice: Lighthouse through Debian's
Chromium, and axe-core injected by Playwright at phone size. The verdict is
scripts/ui_budgets.py's; any broken budget makes the command exit 1. Reports go to
reports/check-ui/ (JSON and HTML per page, and summary.json).

Environment: the budgets (``CHECK_UI_MIN_PERFORMANCE``, ``CHECK_UI_MIN_ACCESSIBILITY``,
``CHECK_UI_MIN_BEST_PRACTICES``, ``CHECK_UI_MAX_AXE_VIOLATIONS``, ``CHECK_UI_MAX_LIST_JS_KB``),
``CHECK_UI_RUNS`` (Lighthouse performance runs per page, default 3) and ``CHECK_UI_PAGES``
(a comma-separated subset of the page names, to iterate on one page).
"""

from __future__ import annotations

import functools
import json
import os
import re
import statistics
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright
from sqlalchemy import func, select

from bench.bench_routes import add_bench_routes
from bench.harness import ROOT, build_system, free_port, front_server, temp_dir
from bench.load_app import add_load_routes
from common.i18n import MONGOLIAN
from common.timeutil import utcnow
from fiscal_stub.demo import persona_people, seed_demo
from scripts.ui_budgets import (
    LIST_PAGES,
    Budgets,
    PageResult,
    breaches,
    failing_audits,
    gzip_size,
    lighthouse_scores,
    script_urls,
    style_urls,
    table,
)
from wallet import policy
from wallet.auth.accounts import activate_account
from wallet.auth.identity import LOA_FACE, VerifiedIdentity
from wallet.clients.fiscal import FiscalClient
from wallet.demo import demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.models import Bill
from wallet.models.claim import Claim
from wallet.models.unit import Unit, UnitUser
from wallet.services.authorizations import Confirmation, authorize_bills
from wallet.services.reimbursement import lock_claim
from wallet.services.sync import sync_person

CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)


@functools.cache
def browser_agent() -> str:
    """The agent string of the Chromium that measures, asked of Chromium itself.

    Sessions are bound to the agent that signed in, and Lighthouse's agent override reaches
    the page only, not its service worker: a page kept offline by the worker would be fetched
    under another agent and sign the resident out mid-audit. So the audits run with the
    browser's own agent, the one every request of a real phone carries.
    """
    page = "data:text/html,<script>document.write(navigator.userAgent)</script>"
    done = subprocess.run(
        [CHROMIUM, *CHROME_FLAGS.split(), "--dump-dom", page], capture_output=True, text=True, timeout=60, check=True
    )
    return re.search(r"<body>(.*?)</body>", done.stdout, re.S).group(1).strip()  # type: ignore[union-attr]


OUT = ROOT / "reports" / "check-ui"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .map(v => ({id: v.id, nodes: v.nodes.length, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


def seed_wallet(url: str) -> dict[str, str]:
    """A resident with the demo persona's bills, three authorized to the insurer and one of them locked."""
    person = persona_people(["p1"])[0]
    identity = VerifiedIdentity(
        sub="check-ui", name=person.name, id_number=person.id_number, acr=LOA_FACE, auth_time=0, id_token=""
    )
    resident = activate_account(identity, "2026-01")
    sync_person(resident.id, person.id_number, FiscalClient(f"{url}/fiscal/api/v1", "dev-only-platform-token-nm"))
    unit = db.session.scalars(select(Unit).where(Unit.credit_code == demo_unit("insurer").credit_code)).one()
    actor = policy.ResidentActor(resident.id)
    bills = [
        b
        for b in db.session.scalars(select(Bill).where(Bill.resident_id == resident.id).order_by(Bill.issued_at.desc()))
        if policy.decide(actor, "authorize", bill=b, target_unit=unit)
    ]
    receipt = authorize_bills(
        resident,
        unit.id,
        [b.id for b in bills[:3]],
        "LP-2026-0001",
        "门诊报销",
        "check-ui-000000000001",
        Confirmation(LOA_FACE, utcnow()),
    )
    user = db.session.scalars(select(UnitUser).where(UnitUser.unit_id == unit.id)).first()
    first = db.session.scalar(select(func.min(Claim.id)).where(Claim.receipt_id == receipt.id))
    if user is None or first is None:
        raise RuntimeError("the demo unit has no user, or the authorization made above is missing")
    lock_claim(user, first)
    medical = next((b for b in bills if b.type_key.startswith("medical")), bills[0])
    return {"resident": str(resident.id), "unit_user": user.username, "unit": str(unit.id), "bill": str(medical.id)}


def seed_mongolian_reader(url: str) -> str:
    """A second resident, 巴特尔, reading in Mongolian: their list loads the Mongolian stylesheet and font."""
    person = persona_people(["p3"])[0]
    identity = VerifiedIdentity(
        sub="check-ui-mn",
        name=person.name,
        id_number=person.id_number,
        acr=LOA_FACE,
        auth_time=0,
        id_token="",
        locale=MONGOLIAN,
    )
    resident = activate_account(identity, "2026-01")
    sync_person(resident.id, person.id_number, FiscalClient(f"{url}/fiscal/api/v1", "dev-only-platform-token-nm"))
    return str(resident.id)


def signed_in_cookie(base: str, login_path: str) -> str:
    http = requests.Session()
    http.headers["User-Agent"] = browser_agent()
    response = http.get(f"{base}{login_path}", timeout=30)
    assert response.text == "ok", f"{login_path} did not sign in"
    return http.cookies["session"]


def run_lighthouse(name: str, url: str, cookie: str, run: int) -> dict:
    """One Lighthouse run; the first writes the JSON and HTML reports, repeats only measure performance again.

    scripts/lighthouse-config.json shortens the network-quiet window to 500 ms: the list and
    detail pages poll the live channel once a second by design, so Lighthouse's default 1 s
    window never comes and it would record 45 s of polling instead of the page load.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    if run == 0:
        report, outputs = OUT / f"{name}.report.json", ["--output=json", "--output=html", f"--output-path={OUT / name}"]
    else:
        report = OUT / f"{name}.run{run}.report.json"
        outputs = ["--output=json", f"--output-path={report}", "--only-categories=performance"]
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--config-path={ROOT / 'scripts' / 'lighthouse-config.json'}",
        *outputs,
        f"--chrome-flags={CHROME_FLAGS}",
        "--extra-headers",
        json.dumps({"Cookie": f"session={cookie}"}),
    ]
    for attempt in (1, 2, 3):  # a crashed run (e.g. NO_NAVSTART, a lost trace) measured nothing: run it again
        done = subprocess.run(cmd, timeout=240, env={**os.environ, "CHROME_PATH": CHROMIUM})
        if done.returncode == 0:
            return json.loads(report.read_text(encoding="utf-8"))
        print(f"  lighthouse {name} run {run} failed (attempt {attempt})", flush=True)
    raise RuntimeError(f"Lighthouse could not measure {url}")


def style_bytes(report: dict, cookie: str) -> int:
    """Every stylesheet gzipped as the proxy would send it, plus every font as it is (woff2 is compressed)."""
    total = 0
    for url, compressed in style_urls(report):
        body = requests.get(
            url, headers={"Cookie": f"session={cookie}", "User-Agent": browser_agent()}, timeout=30
        ).content
        total += gzip_size(body) if compressed else len(body)
    return total


# The offline wallet's service worker and the push handler it imports: not loaded by the page, but
# fetched for it, so they count against the page's script budget.
WORKER_SCRIPTS = ("/sw.js", "/static/js/push-sw.js")


def javascript_gzip_bytes(report: dict, cookie: str) -> int:
    """Sum of every script the page loaded, and of the service worker's, each gzipped as the proxy would send it."""
    total = 0
    origin = report["finalDisplayedUrl"].split("/", 3)[:3]
    for url in [*script_urls(report), *("/".join(origin) + path for path in WORKER_SCRIPTS)]:
        body = requests.get(
            url, headers={"Cookie": f"session={cookie}", "User-Agent": browser_agent()}, timeout=30
        ).content
        total += gzip_size(body)
    return total


def run_axe(base: str, pages: list[tuple[str, str, str]], cookies: dict[str, str]) -> dict[str, dict[str, int]]:
    """axe-core in Chromium at 360 px, one browser context per signed-in user (CSP bypassed only to inject axe)."""
    found: dict[str, dict[str, int]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for who, cookie in cookies.items():
            context = browser.new_context(
                viewport={"width": 360, "height": 780},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                user_agent=browser_agent(),
                bypass_csp=True,
            )
            context.add_cookies([{"name": "session", "value": cookie, "url": base}])
            page = context.new_page()
            for name, path, user in pages:
                if user != who:
                    continue
                page.goto(f"{base}{path}", wait_until="load")
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate(AXE_RUN)
                for v in violations:
                    print(f"  axe {name}: {v['id']} ×{v['nodes']} — {v['help']} — {v['targets']}", flush=True)
                found[name] = {v["id"]: v["nodes"] for v in violations}
            context.close()
        browser.close()
    return found


def audit(base: str, pages: list[tuple[str, str, str]], cookies: dict[str, str], budgets: Budgets) -> list[PageResult]:
    """Lighthouse on every page (performance as the median of ``budgets.runs`` runs), then axe on every page."""
    results = []
    for name, path, who in pages:
        report = run_lighthouse(name, f"{base}{path}", cookies[who], 0)
        result = PageResult(name, path, lighthouse_scores(report), failing_audits(report))
        runs = [result.scores["performance"]] + [
            lighthouse_scores(run_lighthouse(name, f"{base}{path}", cookies[who], n))["performance"]
            for n in range(1, budgets.runs)
        ]
        result.scores["performance"], result.performance_runs = int(statistics.median(runs)), runs
        if name in LIST_PAGES:
            result.js_gzip_bytes = javascript_gzip_bytes(report, cookies[who])
            result.style_bytes = style_bytes(report, cookies[who])
        results.append(result)
    axe = run_axe(base, pages, cookies)
    for result in results:
        result.axe = axe.get(result.name, {})
    return results


def main() -> int:
    budgets = Budgets.from_env()
    missing = [str(path) for path in (LIGHTHOUSE, AXE, Path(CHROMIUM)) if not path.exists()]
    if missing:
        print(
            "check-ui needs " + ", ".join(missing) + " (make check-ui runs npm ci; make system-deps installs chromium)"
        )
        return 2
    with temp_dir() as tmp:
        port = free_port()
        system = build_system(tmp, port)
        parts = system.extensions["parts"]
        add_load_routes(add_bench_routes(parts["wallet"]))
        with parts["fiscal"].app_context():
            seed_demo()
        with front_server(system, port) as base:  # the pages with their live stream, as make run serves them
            with parts["wallet"].app_context():
                seed_demo_units()
                ids = seed_wallet(base)
                ids["mongolian_reader"] = seed_mongolian_reader(base)
            cookies = {
                "resident": signed_in_cookie(base, f"/__bench_face_login/{ids['resident']}"),
                "mongolian_reader": signed_in_cookie(base, f"/__bench_face_login/{ids['mongolian_reader']}"),
                "unit": signed_in_cookie(base, f"/__bench_unit_login/{ids['unit_user']}"),
            }
            pages = [
                ("home", "/", "resident"),
                ("home-mn", "/", "mongolian_reader"),
                ("detail", f"/bills/{ids['bill']}", "resident"),
                ("authorize", "/authorize", "resident"),
                ("authorize-select", f"/authorize/{ids['unit']}", "resident"),
                ("import", "/import", "resident"),
                ("unit-inbox", "/unit/", "unit"),
            ]
            only = [n for n in os.environ.get("CHECK_UI_PAGES", "").split(",") if n]
            results = audit(base, [page for page in pages if not only or page[0] in only], cookies, budgets)
    print(table(results))
    broken = breaches(budgets, results)
    (OUT / "summary.json").write_text(
        json.dumps(
            {"budgets": asdict(budgets), "pages": [asdict(r) for r in results], "breaches": broken},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    for line in broken:
        print(f"BUDGET BROKEN  {line}")
    print("check-ui: all budgets met" if not broken else f"check-ui: {len(broken)} budget(s) broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
