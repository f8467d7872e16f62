"""The unit inbox at a unit's real volume: 400,000 open claims for one insurer on PostgreSQL.

Builds the data set itself in a throwaway database — 40,000 residents, a bill and an open claim
for each of 400,000 bills (a tenth of them locked) plus 20,000 processed claims, all for the demo
insurer — with ``INSERT … SELECT generate_series`` (sealed names are a few values sealed once),
then serves the wallet with gunicorn and measures over real HTTP, signed in as the insurer's
clerk, the median time of the inbox's first page, of following pages (keyset cursor), of each
status and type filter, and of searches by name, code, number, claim reference and amount; the
hello route on the same server is the baseline. Last, the CSV export of every processed claim:
its rate, and how much the workers' peak memory grew while it streamed.

Run: ``APP_ENV=development .venv/bin/python -m bench.bench_inbox`` (needs PostgreSQL, see
bench_load's ``BENCH_POSTGRES_URL``).
"""

from __future__ import annotations

import logging
import os
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import requests
from sqlalchemy import select

import wallet
from bench.bench_load import AGENT, postgres_databases
from bench.harness import ROOT, figure, free_port, gunicorn, temp_dir
from wallet.demo import demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.identity import name_lookup_hash, seal
from wallet.migrate import upgrade_database
from wallet.models.resident import ID_NUMBER_PURPOSE, NAME_PURPOSE
from wallet.models.unit import Unit

OPEN_CLAIMS = int(os.environ.get("BENCH_INBOX_CLAIMS", "400000"))
PROCESSED_CLAIMS = OPEN_CLAIMS // 20
RESIDENTS = max(OPEN_CLAIMS // 10, 1)
CODES = 300  # distinct bill codes (an issuer's code covers many bills)
SAMPLES = 15
SURNAMES = "王李张刘陈杨赵黄"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊"]
TYPES = [
    ("medical_outpatient", "医疗门诊收费票据"),
    ("medical_inpatient", "医疗住院收费票据"),
    ("nontax_general", "非税收入一般缴款书"),
    ("education_fee", "教育收费票据"),
    ("donation", "公益事业捐赠票据"),
]
ROW_LINK = re.compile(r'href="/unit/\?([^"]*after=[^"]+)"')


@dataclass(frozen=True)
class Probe:
    """One thing the clerk does, and the address it asks for."""

    name: str
    path: str


def _names() -> list[tuple[int, bytes, str]]:
    names = [s + g for s in SURNAMES for g in GIVEN]
    return [(k, seal(name, NAME_PURPOSE), name_lookup_hash(name)) for k, name in enumerate(names)]


SEED_SQL = """
INSERT INTO residents (id, oidc_sub, name_enc, id_number_enc, id_number_hash, activated_at, terms_version,
                       terms_accepted_at, created_at)
SELECT i, 'bench-inbox-' || i, n.name_enc, %(id_enc)s, md5(i::text) || md5('id' || i::text), now(), '2026-01', now(),
       now()
FROM generate_series(1, %(residents)s) i JOIN bench_names n ON n.k = i %% %(name_count)s;
INSERT INTO bills (id, resident_id, code, number, check_code, province, type_key, type_name, issuer_name, issued_at,
                   issue_year, total, claimable, search_text, signature_alg, signature_kid, signature_value, issuance,
                   reimbursement, reimbursed_amount, status_json, version, source, collected_at, updated_at)
SELECT j, 1 + j %% %(residents)s, '15' || lpad((j %% %(codes)s)::text, 6, '0'), lpad(j::text, 10, '0'), 'a1b2c3',
       '15', t.key, t.name, '内蒙古医科大学附属医院', now() - j * interval '1 minute', 2026,
       1000 + (j::bigint * 7919) %% 500000, 1000 + (j::bigint * 7919) %% 500000, '', 'ES256', 'bench', 'x', 'normal',
       'unreimbursed', 0, '{}', 1, 'collected', now(), now()
FROM generate_series(1, %(bills)s) j JOIN bench_types t ON t.k = j %% %(type_count)s;
INSERT INTO claims (source, unit_id, state, open_key, resident_id, bill_id, claim_ref, note, created_at, expires_at,
                    locked_at, lock_expires_at, closed_at, end_reason, amount, acted_by, bill_code, bill_number,
                    bill_total, type_key, claimant_hash)
SELECT 'account', %(unit)s,
       CASE WHEN j > %(open)s THEN (CASE WHEN j %% 4 = 0 THEN 'rejected' ELSE 'reimbursed' END)
            WHEN j %% 10 = 0 THEN 'locked' ELSE 'authorized' END,
       CASE WHEN j > %(open)s THEN NULL ELSE 'bill:' || j END,
       b.resident_id, j, 'LP-2026-' || lpad(j::text, 7, '0'), '', now() - j * interval '1 second',
       now() + interval '30 days',
       CASE WHEN j %% 10 = 0 AND j <= %(open)s THEN now() END,
       CASE WHEN j %% 10 = 0 AND j <= %(open)s THEN now() + interval '7 days' END,
       CASE WHEN j > %(open)s THEN now() - j * interval '1 second' END,
       CASE WHEN j > %(open)s AND j %% 4 = 0 THEN '材料不全' ELSE '' END,
       CASE WHEN j > %(open)s AND j %% 4 <> 0 THEN b.claimable ELSE 0 END, NULL,
       b.code, b.number, b.total, b.type_key, n.name_hash
FROM generate_series(1, %(bills)s) j JOIN bills b ON b.id = j
JOIN bench_names n ON n.k = b.resident_id %% %(name_count)s;
INSERT INTO unit_claim_counts (unit_id, state, n) SELECT unit_id, state, count(*) FROM claims GROUP BY unit_id, state;
SELECT setval(pg_get_serial_sequence('residents', 'id'), %(residents)s);
SELECT setval(pg_get_serial_sequence('bills', 'id'), %(bills)s);
"""


def seed(url: str) -> tuple[int, dict[str, str]]:
    """The data set, in the migrated database at ``url``; returns the unit's id and search terms that exist."""
    app = wallet.create_app({"SQLALCHEMY_DATABASE_URI": url, "APP_ENV": "test"})
    with app.app_context():
        upgrade_database()
        seed_demo_units()
        unit_id = db.session.scalars(select(Unit.id).where(Unit.credit_code == demo_unit("insurer").credit_code)).one()
        names = _names()
        id_enc = seal("150102198001010011", ID_NUMBER_PURPOSE)
        db.engine.dispose()
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain) as conn:
        conn.execute("CREATE TEMP TABLE bench_names (k int, name_enc bytea, name_hash text)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO bench_names VALUES (%s, %s, %s)", names)
            cur.execute("CREATE TEMP TABLE bench_types (k int, key text, name text)")
            cur.executemany("INSERT INTO bench_types VALUES (%s, %s, %s)", [(k, *t) for k, t in enumerate(TYPES)])
            sizes = {
                "id_enc": id_enc,
                "residents": RESIDENTS,
                "name_count": len(names),
                "codes": CODES,
                "bills": OPEN_CLAIMS + PROCESSED_CLAIMS,
                "type_count": len(TYPES),
                "unit": unit_id,
                "open": OPEN_CLAIMS,
            }
            for statement in filter(str.strip, SEED_SQL.split(";\n")):
                cur.execute(statement, {k: v for k, v in sizes.items() if f"%({k})s" in statement})
        conn.execute("ANALYZE")
    middle = OPEN_CLAIMS // 2
    total = 1000 + (middle * 7919) % 500000
    terms = {
        "name": SURNAMES[1] + GIVEN[2],
        "code": f"15{middle % CODES:06d}",
        "number": f"{middle:010d}",
        "reference": f"LP-2026-{middle:07d}",
        "amount": f"{total // 100}.{total % 100:02d}",
    }
    return unit_id, terms


def signed_in(url: str, username: str) -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = AGENT
    assert http.get(f"{url}/__bench_unit_login/{username}", timeout=30).text == "ok"
    return http


def timed_ms(fetch: Callable[[], requests.Response]) -> list[float]:
    """``SAMPLES`` timed requests in milliseconds, after one untimed warm-up."""
    fetch()
    samples = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        response = fetch()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.text[:300])
    return samples


def next_pages(http: requests.Session, url: str, count: int) -> list[str]:
    """The addresses of the pages after the first, followed link by link as a clerk would."""
    paths, page = [], http.get(f"{url}/unit/", timeout=30).text
    for _ in range(count):
        link = ROW_LINK.search(page)
        assert link, "the inbox offers a next page"
        paths.append("/unit/?" + link.group(1).replace("&amp;", "&"))
        page = http.get(f"{url}{paths[-1]}", timeout=30).text
    return paths


def probes(http: requests.Session, url: str, terms: dict[str, str]) -> tuple[list[Probe], list[Probe]]:
    pages = [Probe("first_page", "/unit/")]
    pages += [Probe(f"page_{n + 2}", path) for n, path in enumerate(next_pages(http, url, 3))]
    pages += [
        Probe(f"status_{s}", "/unit/?status=" + s) for s in ("authorized", "locked", "reimbursed", "rejected", "all")
    ]
    pages += [Probe(f"type_{key}", "/unit/?" + urlencode({"type": key})) for key, _ in TYPES[:2]]
    searches = [Probe(f"search_{kind}", "/unit/?" + urlencode({"q": q, "status": "all"})) for kind, q in terms.items()]
    return pages, searches


def worker_peaks_kb(master: int) -> list[int]:
    """The peak resident memory (VmHWM) of each gunicorn worker under ``master``."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)))  # type: ignore[union-attr]  # Linux always reports it
    return peaks


def export(http: requests.Session, url: str, master: int) -> tuple[float, int, float]:
    """Download the CSV of every processed claim: seconds, data rows, and how much the workers'
    peak memory grew (MB) — flat when the export streams."""
    before = sum(worker_peaks_kb(master))
    started = time.perf_counter()
    with http.get(f"{url}/unit/export.csv", stream=True, timeout=300) as response:
        assert response.status_code == 200, response.text[:300]
        lines = sum(chunk.count(b"\n") for chunk in response.iter_content(65536))
    seconds = time.perf_counter() - started
    return seconds, lines - 1, (sum(worker_peaks_kb(master)) - before) / 1024


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with postgres_databases() as template, temp_dir() as tmp:
        url = template.format(part="wallet")
        started = time.perf_counter()
        unit_id, terms = seed(url)
        figure("inbox_seed_s", time.perf_counter() - started, "s")
        port = free_port()
        env = {
            "BENCH_DB_DIR": tmp,
            "BENCH_PORT": str(port),
            "BENCH_STUB_PORT": str(free_port()),
            "BENCH_DATABASE_URL_TEMPLATE": template,
            "PYTHONPATH": str(ROOT),
        }
        with gunicorn("bench.load_app:create()", port, env, workers=2) as web:
            http = signed_in(web.url, demo_unit("insurer").username)
            pages, searches = probes(http, web.url, terms)
            timed = {p.name: timed_ms(partial(http.get, f"{web.url}{p.path}", timeout=30)) for p in pages + searches}
            hello = timed_ms(partial(http.get, f"{web.url}/__hello", timeout=30))
            export_s, exported, grown_mb = export(http, web.url, web.process.pid)
    for name, samples in timed.items():
        figure(f"inbox_{name}_p50_ms", statistics.median(samples), "ms")
    page_samples = [ms for p in pages for ms in timed[p.name]]
    search_samples = [ms for p in searches for ms in timed[p.name]]
    figure("inbox_p50_ms_400k", statistics.median(page_samples), "ms")
    figure("inbox_search_p50_ms_400k", statistics.median(search_samples), "ms")
    figure("inbox_worst_p50_ms_400k", max(statistics.median(timed[p.name]) for p in pages + searches), "ms")
    figure("inbox_hello_p50_ms", statistics.median(hello), "ms")
    assert exported == PROCESSED_CLAIMS, f"the export held {exported} of {PROCESSED_CLAIMS} processed claims"
    figure("inbox_export_rows_per_s", exported / export_s, "rows/s")
    figure("inbox_export_peak_growth_mb", grown_mb, "MB")
    print(f"# unit {unit_id}: {OPEN_CLAIMS} open and {PROCESSED_CLAIMS} processed claims, {RESIDENTS} residents")


if __name__ == "__main__":
    main()
