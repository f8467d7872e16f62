"""The bill pages: paging, filters, bad input, and nobody else's bills."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from common.money import yuan_display
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import activate, persona
from tests.wallet.auth.flows import log_in
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill
from wallet.services.sync import sync_person

CARD = re.compile(r'href="/bills/(\d+)"')


@pytest.fixture
def signed_in(client, wallet_app, network, seeded_idp, fiscal_client):
    """p1 logged in through the identity stub, with their bills collected."""
    log_in(client, "p1")
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        sync_person(rid, persona("p1").id_number, fiscal_client)
    return client


def test_infinite_scroll_pages_through_every_bill_once(signed_in, wallet_app, network, fiscal_client):
    for i in range(30):
        network.issue("p1", amount=100 + i)
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        sync_person(rid, persona("p1").id_number, fiscal_client)
        expected = set(db.session.scalars(select(Bill.id).where(Bill.resident_id == rid)))
    seen: list[str] = []
    html = signed_in.get("/").get_data(as_text=True)
    while True:
        seen += CARD.findall(html)
        more = re.search(r'hx-get="(/\?cursor=[^"]+)"', html)
        if not more:
            break
        html = signed_in.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "<html" not in html, "a scroll page is a partial"
    assert len(seen) == len(set(seen)) == len(expected)
    assert {int(i) for i in seen} == expected


@pytest.mark.parametrize(
    "query",
    [
        "year=20x6",
        "year=1900",
        "year=²⁰²⁶",
        "year=٢٠٢٦",
        "province=99",
        "status=gone",
        "q=%00",
        "q=a%07b",
        "type=%00",
        "cursor=nonsense",
    ],
)
def test_bad_filters_get_a_chinese_400(signed_in, query):
    response = signed_in.get(f"/?{query}")
    assert response.status_code == 400
    assert "请" in response.get_data(as_text=True)


def test_search_treats_wildcards_as_text(signed_in):
    html = signed_in.get("/?q=%25").get_data(as_text=True)
    assert "没有符合条件的票据" in html


def test_totals_follow_the_filter(signed_in, wallet_app):
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        inpatient = db.session.scalars(
            select(Bill).where(Bill.resident_id == rid, Bill.type_key == "medical_inpatient")
        ).all()
    html = signed_in.get("/?type=medical_inpatient").get_data(as_text=True)
    assert f"共 <strong>{len(inpatient)}</strong> 张" in html


def test_an_htmx_filter_gets_the_results_and_the_filter_choices_out_of_band(signed_in):
    response = signed_in.get("/?type=medical_inpatient", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "我的票据" not in html
    assert html.lstrip().startswith('<section id="bill-results"') and 'class="bill-card"' in html
    assert '<div class="filter-row" id="filter-fields" hx-swap-oob="true">' in html
    assert response.headers["HX-Replace-Url"] == "/?type=medical_inpatient"
    assert ",".join(response.headers.getlist("Vary")).count("HX-Request") == 1
    assert "HX-Request" in signed_in.get("/?type=medical_inpatient").headers["Vary"], "the page varies on it too"


def test_the_filter_fields_select_what_each_view_filters_by(signed_in):
    """The fields are kept per process under their choices and selection: each view shows its own."""
    selected = re.compile(r'<option value="([^"]*)" selected>')
    inpatient = signed_in.get("/?type=medical_inpatient").get_data(as_text=True)
    assert selected.findall(inpatient) == ["medical_inpatient"]
    assert selected.findall(signed_in.get("/").get_data(as_text=True)) == []
    fragment = signed_in.get("/?status=reimbursable", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert selected.findall(fragment) == ["reimbursable"] and 'id="filter-fields" hx-swap-oob="true"' in fragment
    again = signed_in.get("/?type=medical_inpatient").get_data(as_text=True)
    assert selected.findall(again) == ["medical_inpatient"] and "hx-swap-oob" not in again


def test_an_htmx_history_restore_gets_the_whole_list_page(signed_in):
    """htmx asks for the whole page when its history cache misses (back button): not a fragment."""
    response = signed_in.get(
        "/?type=medical_inpatient", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert "<html" in html and "我的票据" in html and "hx-swap-oob" not in html
    assert "HX-Replace-Url" not in response.headers


def test_another_residents_bill_is_not_found(signed_in, wallet_app, fiscal_client):
    with wallet_app.app_context():
        other = activate(wallet_app, "p2")
        sync_person(other, persona("p2").id_number, fiscal_client)
        theirs = db.session.scalar(select(Bill.id).where(Bill.resident_id == other))
    for path in (
        f"/bills/{theirs}",
        f"/bills/{theirs}/status",
        f"/bills/{theirs}/layout.pdf",
        f"/bills/{theirs}/qr",
        f"/bills/{theirs}/qr.svg",
    ):
        assert signed_in.get(path).status_code == 404, path


def test_bill_pages_need_login(client, network):
    for path in ("/bills/1", "/live"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_live_answers_204_until_something_changes(signed_in, wallet_app, network, fiscal_client):
    first = signed_in.get("/live")
    seq = int(re.search(r"seq=(\d+)", first.get_data(as_text=True)).group(1))
    assert signed_in.get(f"/live?seq={seq}").status_code == 204
    network.issue("p1", amount=777)
    with wallet_app.app_context():
        sync_person(resident_for_id_number(persona("p1").id_number), persona("p1").id_number, fiscal_client)
    changed = signed_in.get(f"/live?seq={seq}")
    assert changed.status_code == 200 and changed.headers["HX-Trigger"] == "billsChanged"


def test_what_may_still_be_claimed_is_what_the_person_bore_less_what_was_paid(signed_in, wallet_app):
    """可报销 totals and the detail page's split count what the person bore, not what insurance paid."""
    with wallet_app.app_context():
        bills = db.session.scalars(select(Bill).where(Bill.issuance == "normal", Bill.total > 0)).all()
        open_bills = [b for b in bills if b.reimbursement in ("unreimbursed", "partially_reimbursed")]
        left = sum(max(0, b.claimable - b.reimbursed_amount) for b in open_bills)
        insured = next(b for b in bills if b.type_key.startswith("medical_") and b.claimable < b.total)
        insured = (insured.id, insured.total, insured.claimable, insured.reimbursed_amount)
    assert left < sum(b.total - b.reimbursed_amount for b in open_bills), "the seeded bills include an insurance share"
    listed = signed_in.get("/?status=reimbursable").get_data(as_text=True)
    assert re.search(rf"仍可报销 <strong><span[^>]*>{re.escape(yuan_display(left))}</span>", listed), listed[:2000]
    bill_id, total, bore, paid = insured
    split = dict(
        re.findall(
            r"<dt>(医保已付|您已支付|已报销|仍可报销)</dt><dd><span[^>]*>([^<]+)</span>",
            signed_in.get(f"/bills/{bill_id}").get_data(as_text=True),
        )
    )
    assert split == {
        "医保已付": yuan_display(total - bore),
        "您已支付": yuan_display(bore),
        "已报销": yuan_display(paid),
        "仍可报销": yuan_display(max(0, bore - paid)),
    }
