"""The yearly ledger page and the 大病医疗 export, over the wallet's pages with bills collected from the network."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from common.money import yuan, yuan_display
from common.timeutil import to_local, utcnow
from tests.wallet.auth.flows import log_in
from tests.wallet.authorization.fixtures import resident_id_of
from wallet.extensions import db
from wallet.models.bill import Bill

THIS_YEAR = to_local(utcnow()).year


def documents_of_year(wallet_app, resident_id: int, year: int) -> list[dict]:
    with wallet_app.app_context():
        bills = db.session.scalars(
            select(Bill).where(Bill.resident_id == resident_id, Bill.issue_year == year, Bill.total > 0)
        ).all()
        return [json.loads(b.canonical) for b in bills if b.issuance != "red_reversed"]


def co_pay(documents: list[dict]) -> int:
    return sum(int(d["medical"]["settlement"]["co_pay"]) for d in documents if d["type"]["key"].startswith("medical_"))


def test_the_ledger_sums_every_standing_bill_of_the_year_and_estimates_the_deduction(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    documents = documents_of_year(wallet_app, rid, THIS_YEAR)
    assert documents, "the network fixture issues an inpatient bill this year"
    page = resident_client.get(f"/ledger?year={THIS_YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"{THIS_YEAR} 年 · 谁付了多少" in html
    assert yuan_display(sum(int(d["total"]) for d in documents)) in html
    assert f"{len(documents)} 张" in html
    assert "大病医疗 · 本人" in html and "估算" in html
    assert yuan_display(co_pay(documents)) in html
    assert "以医疗保障信息平台提供的年度数据为准" in html
    assert '<svg viewBox="0 0 320' in html and "<title" in html  # the chart is drawn on the server


def test_the_excel_export_lists_the_medical_bills_and_the_estimate(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    documents = [d for d in documents_of_year(wallet_app, rid, THIS_YEAR) if d["type"]["key"].startswith("medical_")]
    response = resident_client.get(f"/ledger/{THIS_YEAR}/serious-illness/self-{rid}.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == f"大病医疗支出明细（{THIS_YEAR} 年 · 本人）"
    header = rows.index(
        [
            "序号",
            "开票日期",
            "医疗机构",
            "票据类型",
            "票据代码",
            "票据号码",
            "票据金额",
            "医保统筹及其他医保支付",
            "个人自付（目录内）",
            "个人自费（目录外）",
        ]
    )
    listed = rows[header + 1 : -1]
    assert sorted(r[5] for r in listed) == sorted(d["number"] for d in documents)
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][8])) == Decimal(yuan(co_pay(documents)))
    summary = {r[0]: r[1] for r in rows[2:header] if r and r[0]}
    assert summary["医保目录内个人自付累计"] == f"{yuan(co_pay(documents))} 元"


def test_the_pdf_export_reads_back_with_the_notice_and_the_total(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    documents = documents_of_year(wallet_app, rid, THIS_YEAR)
    response = resident_client.get(f"/ledger/{THIS_YEAR}/serious-illness/self-{rid}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert "大病医疗支出明细" in text and "以医疗保障信息平台提供的年度数据为准" in text
    assert yuan(co_pay(documents)) in text


@pytest.mark.parametrize(
    "path",
    [
        "/ledger/{year}/serious-illness/self-{other}.xlsx",  # another person's
        "/ledger/{year}/serious-illness/child-{rid}.xlsx",  # not a relation the resident has
        "/ledger/{year}/serious-illness/self-{rid}.csv",  # not a format
        "/ledger/2018/serious-illness/self-{rid}.xlsx",  # before the deduction existed
        "/ledger/{next_year}/serious-illness/self-{rid}.pdf",  # a year not yet begun
    ],
)
def test_an_export_of_anyone_or_anything_else_is_not_found(resident_client, wallet_app, path):
    rid = resident_id_of(wallet_app)
    other = resident_id_of(wallet_app, "p2") if _has(wallet_app, "p2") else rid + 1000
    url = path.format(year=THIS_YEAR, next_year=THIS_YEAR + 1, rid=rid, other=other)
    assert resident_client.get(url).status_code == 404


def _has(wallet_app, key: str) -> bool:
    try:
        resident_id_of(wallet_app, key)
    except AssertionError:
        return False
    return True


def test_a_year_without_bills_shows_the_newest_year_that_has_some(resident_client):
    html = resident_client.get("/ledger?year=1999").get_data(as_text=True)
    assert f'aria-current="page">{THIS_YEAR} 年</a>' in html and f"{THIS_YEAR} 年 · 谁付了多少" in html


def test_a_resident_without_bills_gets_an_empty_state(client, seeded_idp, network, stub_browser):
    log_in(client, "p2", http=stub_browser)  # signed in, nothing collected yet
    html = client.get("/ledger").get_data(as_text=True)
    assert f"{THIS_YEAR} 年还没有票据" in html and "大病医疗 · 本人" in html


def test_the_ledger_needs_a_signed_in_resident(client):
    assert client.get("/ledger").status_code in (302, 401)
    assert client.get(f"/ledger/{THIS_YEAR}/serious-illness/self-1.xlsx").status_code in (302, 401)


def test_a_figure_lists_at_most_a_page_of_its_bills_and_says_how_many_it_sums(resident_client, monkeypatch):
    monkeypatch.setattr("wallet.resident.ledger.LISTED_MOST", 1)
    html = resident_client.get(f"/ledger?year={THIS_YEAR}").get_data(as_text=True)
    assert "这里列出前 1 张" in html
