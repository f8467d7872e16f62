"""What the offline wallet's worker may keep is the server's call: the bill list and a bill's page, whole,
for the signed-in resident under a key of their own — never a fragment, a partial, or anyone else's page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import Network, persona
from tests.wallet.auth.flows import log_in
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill
from wallet.offline_copies import HEADER, copy_key
from wallet.services.sync import sync_person

HX = {"HX-Request": "true"}


@pytest.fixture
def bill_id(client, wallet_app, net: Network, seeded_idp, fiscal_client) -> int:
    item = net.issue("p1")
    log_in(client, "p1")
    with wallet_app.app_context():
        resident_id = resident_for_id_number(persona("p1").id_number)
        assert resident_id is not None
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        return db.session.scalars(select(Bill.id).where(Bill.number == item["number"])).one()


def test_the_list_and_a_bill_page_are_kept_under_the_residents_own_key(client, wallet_app, bill_id):
    with wallet_app.app_context():
        key = copy_key(resident_for_id_number(persona("p1").id_number) or 0)
        assert copy_key(1) != copy_key(2) and str(bill_id) not in key
    for path in ("/", f"/bills/{bill_id}"):
        assert client.get(path).headers.get(HEADER) == key


def test_fragments_partials_and_other_pages_are_never_kept(client, bill_id):
    for path, headers in (
        ("/", HX),
        (f"/bills/{bill_id}", HX),
        (f"/bills/{bill_id}/status", {}),
        ("/me", {}),
        ("/check", {}),
        ("/bills/999999", {}),
    ):
        assert HEADER not in client.get(path, headers=headers).headers, path


def test_nobody_signed_in_gets_nothing_to_keep_and_the_page_forgets(client):
    page = client.get("/")
    assert HEADER not in page.headers
    script = re.search(r"<script src=\"/static/js/offline.js\"[^>]*>", page.get_data(as_text=True))
    assert script and "data-resident" not in script.group(0)


def test_a_signed_in_residents_page_registers_the_worker(client, bill_id):
    script = re.search(r"<script src=\"/static/js/offline.js\"[^>]*>", client.get("/").get_data(as_text=True))
    assert script and 'data-worker="/sw.js"' in script.group(0) and "data-resident" in script.group(0)


def test_the_worker_is_served_from_the_root_with_its_shell_listed_and_versioned(client):
    worker = client.get("/sw.js")
    source = worker.get_data(as_text=True)
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    assert "__SHELL" not in source
    assert re.search(r'const VERSION ?= ?"[0-9a-f]{16}";', source)
    assert "//" not in source.replace("://", ""), "sent without its comments"
    for url in ("/static/css/app.css", "/static/js/offline.js", "/static/vendor/htmx/htmx.min.js", "/offline"):
        assert f'"{url}"' in source


def test_the_page_for_no_copy_names_nobody(client, bill_id):
    page = client.get("/offline").get_data(as_text=True)
    assert "没有网络" in page and "乌*娜" not in page and persona("p1").name not in page
