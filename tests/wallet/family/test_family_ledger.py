"""The family's yearly ledger: a guardian's ledger counts each child apart, with the child's own
大病医疗 estimate and statement, whose download is in the child's access history."""

from __future__ import annotations

from io import BytesIO

from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from sqlalchemy import select

from common.timeutil import to_local, utcnow
from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import resident_http_login
from tests.wallet.family.helpers import ELDEST, add_child, bill_ids, collect_child, issue_to_child, words
from wallet.extensions import db
from wallet.models import AccessEvent

YEAR = to_local(utcnow()).year


def test_a_guardians_ledger_counts_the_child_apart_and_the_childs_statement_is_in_its_history(
    system, seeded_idp, wallet_app, fiscal_app, fiscal_client, demo_units
):
    for _ in range(2):
        issue_to_child(fiscal_app, ELDEST, type_key="medical_inpatient", amount=1_288_000)
    mother = resident_http_login(system.url, "p1")
    add_child(mother, system.url)
    child = collect_child(wallet_app, fiscal_client)
    bills = bill_ids(wallet_app, child)

    page = mother.get(f"{system.url}/ledger?year={YEAR}", timeout=10)
    assert page.status_code == 200
    text = words(page.text)
    assert "大病医疗 · 本人" in text and "大病医疗 · 其*格（子女）" in text
    assert "按家庭成员" in text and "由父母一方扣除" in text
    for bill in bills:  # the child's bills open under the child, never as the guardian's own
        assert f'href="/family/{child}/bills/{bill}"' in page.text

    statement = mother.get(f"{system.url}/ledger/{YEAR}/serious-illness/child-{child}.xlsx", timeout=30)
    assert statement.status_code == 200
    sheet = load_workbook(BytesIO(statement.content)).active
    assert sheet["A1"].value == f"大病医疗支出明细（{YEAR} 年 · 其*格（子女））"
    with wallet_app.app_context():
        events = db.session.scalars(
            select(AccessEvent).where(AccessEvent.resident_id == child, AccessEvent.kind == "family_statement")
        ).all()
    assert sorted(e.bill_id for e in events) == sorted(bills)
    assert {e.actor_label for e in events} == {"监护人 乌*娜"}


def test_a_resident_not_linked_to_the_child_cannot_download_its_statement(
    system, seeded_idp, wallet_app, fiscal_app, fiscal_client, demo_units
):
    issue_to_child(fiscal_app, ELDEST, type_key="medical_outpatient", amount=26600)
    mother = resident_http_login(system.url, "p1")
    add_child(mother, system.url)
    child = collect_child(wallet_app, fiscal_client)
    stranger = resident_http_login(system.url, "p2", face=False)
    assert stranger.get(f"{system.url}/ledger/{YEAR}/serious-illness/child-{child}.xlsx", timeout=10).status_code == 404
    assert "其*格" not in words(stranger.get(f"{system.url}/ledger?year={YEAR}", timeout=10).text)


def test_a_mongolian_readers_ledger_and_statement_name_the_child_in_mongolian(
    system, seeded_idp, wallet_app, fiscal_app, fiscal_client, demo_units
):
    issue_to_child(fiscal_app, ELDEST, type_key="medical_inpatient", amount=1_288_000)
    mother = resident_http_login(system.url, "p1")
    add_child(mother, system.url)
    child = collect_child(wallet_app, fiscal_client)
    token = csrf_token_of(mother.get(f"{system.url}/me", timeout=10).text)
    mother.post(f"{system.url}/language", data={"csrf_token": token, "locale": "mn-Mong-CN", "next": "/me"}, timeout=10)
    with wallet_app.test_request_context(), force_locale("mn_Mong_CN"):
        named = str(gettext("%(name)s（子女）", name="其*格"))
    assert named != "其*格（子女）"

    text = words(mother.get(f"{system.url}/ledger?year={YEAR}", timeout=10).text)
    assert named in text and "其*格（子女）" not in text
    statement = mother.get(f"{system.url}/ledger/{YEAR}/serious-illness/child-{child}.xlsx", timeout=30)
    sheet = load_workbook(BytesIO(statement.content)).active
    assert named in sheet["A1"].value and "（子女）" not in sheet["A1"].value
