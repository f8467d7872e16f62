"""The bill list's scripts stay within their budget (``make check-ui`` measures it in Lighthouse; this
counts the same bytes on every run of the suite, where a script that grew would otherwise go unseen)."""

from __future__ import annotations

import re

from scripts.check_ui import WORKER_SCRIPTS
from scripts.ui_budgets import Budgets, gzip_size
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.auth.flows import log_in

SCRIPT_SRC = re.compile(r'<script[^>]*\ssrc="([^"]+)"')


def test_the_bill_lists_scripts_and_its_workers_fit_the_budget(client, seeded_idp):
    log_in(client, "p1")
    page = client.get("/").get_data(as_text=True)
    assert 'id="bill-results"' in page
    scripts = [*SCRIPT_SRC.findall(page), *WORKER_SCRIPTS]
    assert "/static/js/live.js" in scripts
    sizes = {}
    for src in scripts:
        response = client.get(src)
        assert response.status_code == 200, src
        sizes[src] = gzip_size(response.get_data())
    assert sum(sizes.values()) <= Budgets().list_js_kb * 1024, sizes
