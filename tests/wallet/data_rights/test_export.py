"""A resident takes all of their data away in one zip: account, bills, authorizations, history, PDFs."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.support.network import activate, persona
from tests.wallet.authorization.fixtures import claimable, collect, grant, resident_id_of
from tests.wallet.data_rights.exporting import export
from wallet.clients.fiscal import FiscalClient, FiscalError
from wallet.extensions import db
from wallet.models import AuditEntry, Bill

JSON_FILES = {"account.json", "bills.json", "authorizations.json", "access-history.json", "notifications.json"}


def codes_of(wallet_app, resident_id: int) -> set[str]:
    with wallet_app.app_context():
        return {
            f"{c}-{n}"
            for c, n in db.session.execute(select(Bill.code, Bill.number).where(Bill.resident_id == resident_id)).all()
        }


def test_export_holds_every_file_with_only_the_residents_own_bills_and_their_pdfs(
    resident_client, wallet_app, fiscal_client, demo_units, stub_browser
):
    own = resident_id_of(wallet_app)
    activate(wallet_app, "p2")
    other = collect(wallet_app, fiscal_client, "p2")
    grant(wallet_app, own, demo_units["insurer"], claimable(wallet_app, own, 1), claim_ref="EX-1")
    archive = export(resident_client, wallet_app, stub_browser)
    names = set(archive.namelist())
    mine, theirs = codes_of(wallet_app, own), codes_of(wallet_app, other)
    assert mine and theirs and not mine & theirs
    assert names == JSON_FILES | {f"pdfs/{code}.pdf" for code in mine}
    bills = json.loads(archive.read("bills.json"))
    assert {f"{b['code']}-{b['number']}" for b in bills} == mine
    assert all(b["document"] and b["status"] and b["signature"]["value"] for b in bills)
    assert all(archive.read(f"pdfs/{code}.pdf").startswith(b"%PDF") for code in mine)
    account = json.loads(archive.read("account.json"))
    assert account["identity"] == {"name": persona("p1").name, "id_number": persona("p1").id_number}
    assert account["masked"]["id_number"] != persona("p1").id_number
    assert persona("p2").id_number not in b"".join(archive.read(n) for n in JSON_FILES).decode()
    granted = json.loads(archive.read("authorizations.json"))
    assert [a["claim_ref"] for a in granted["authorizations"]] == ["EX-1"] and len(granted["receipts"]) == 1
    assert json.loads(archive.read("notifications.json"))[0]["title"] == "授权成功"


def test_a_pdf_the_network_cannot_serve_is_listed_and_the_rest_still_exported(
    resident_client, wallet_app, stub_browser, monkeypatch
):
    mine = sorted(codes_of(wallet_app, resident_id_of(wallet_app)))
    unavailable = mine[0]
    served = FiscalClient.layout_file

    def flaky(self, code: str, number: str) -> bytes:
        if f"{code}-{number}" == unavailable:
            raise FiscalError(404, "layout_unavailable", "版式文件暂时无法获取。")
        return served(self, code, number)

    monkeypatch.setattr(FiscalClient, "layout_file", flaky)
    archive = export(resident_client, wallet_app, stub_browser)
    missing = json.loads(archive.read("missing-pdfs.json"))
    assert [f"{m['code']}-{m['number']}" for m in missing] == [unavailable]
    assert {n for n in archive.namelist() if n.startswith("pdfs/")} == {f"pdfs/{c}.pdf" for c in mine[1:]}


def test_an_export_is_audited_without_personal_data(resident_client, wallet_app, stub_browser):
    export(resident_client, wallet_app, stub_browser)
    with wallet_app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resident.export"))
    assert entry is not None and entry.actor_kind == "resident"
    assert entry.detail["bills"] == entry.detail["pdfs"] and entry.detail["missing_pdfs"] == 0
    assert persona("p1").name not in json.dumps(entry.detail, ensure_ascii=False)


def test_export_needs_a_signed_in_resident(client):
    for path in ("/me/export", "/me/export/status", "/me/export/abc/download"):
        assert client.get(path).headers["Location"].startswith("/login")
