"""File-mode reimbursement (文件报销): a unit verifies a handed-over bill, takes it in, locks and reimburses it."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func, select

from tests.conftest import csrf_token_of
from tests.support.tokens import plain
from tests.wallet.authorization.fixtures import unit_client_login
from tests.wallet.imports.bills import fields_of, layout_pdf, red_reverse, tampered_pdf
from wallet.extensions import db
from wallet.models.claim import Claim

FEEDBACK = {"serial": "WJ2026000001", "voucher": "JZ-2026-0101", "time": "2026-03-06T09:30"}
CLAIM_URL = re.compile(r"/unit/claims/(\d+)$")


def token(client) -> str:
    return csrf_token_of(client.get("/unit/verify").get_data(as_text=True))


def take_in_fields(html: str) -> dict[str, str]:
    """The hidden fields of the "受理报销" form on a verification result."""
    form = html[html.index('action="/unit/file-claims"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def take_in(client, html: str) -> int:
    response = client.post("/unit/file-claims", data=take_in_fields(html))
    assert response.status_code == 303, response.get_data(as_text=True)
    match = CLAIM_URL.search(response.headers["Location"])
    assert match
    return int(match.group(1))


def verify_pdf(client, pdf: bytes):
    return client.post(
        "/unit/verify/file",
        data={"csrf_token": token(client), "file": (io.BytesIO(pdf), "bill.pdf")},
        content_type="multipart/form-data",
    )


def verify_elements(client, item) -> str:
    """The verification result page for ``item``'s five elements as typed by the clerk."""
    response = client.post("/unit/verify/elements", data={"csrf_token": token(client), **fields_of(item)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def act(client, claim_id: int, action: str, **data: str):
    return client.post(f"/unit/claims/{claim_id}/{action}", data={"csrf_token": token(client), **data})


def claim_count(wallet_app) -> int:
    with wallet_app.app_context():
        return db.session.scalar(select(func.count()).select_from(Claim).where(Claim.source == "file")) or 0


def fiscal_status(network, item) -> dict:
    return network.platform("GET", f"/bills/{item['code']}/{item['number']}").json()["bill"]["status"]


def test_a_verified_layout_pdf_is_taken_in_locked_and_partly_reimbursed(insurer, network, wallet_app):
    item = network.issue("p1", amount=50000, type_key="court_fee")
    result = verify_pdf(insurer, layout_pdf(network, item))
    html = result.get_data(as_text=True)
    assert result.status_code == 200
    assert 'data-testid="authentic"' in html and "受理报销" in html
    assert "1501**********110X" in html and "乌日娜" not in html
    claim_id = take_in(insurer, html)
    page = insurer.get(f"/unit/claims/{claim_id}").get_data(as_text=True)
    assert "文件报销" in page and "待锁定" in page
    assert act(insurer, claim_id, "lock").status_code == 303
    assert fiscal_status(network, item)["reimbursement"] == "locked"
    done = act(insurer, claim_id, "feedback", amount="300.00", **FEEDBACK)
    assert done.status_code == 303
    status = fiscal_status(network, item)
    assert status["reimbursement"] == "partially_reimbursed" and status["reimbursed_amount"] == 30000
    page = plain(insurer.get(f"/unit/claims/{claim_id}").get_data(as_text=True))
    assert 'data-testid="reimbursed-amount">¥300.00' in page


def test_feedback_sent_twice_is_recorded_once(insurer, network, wallet_app):
    item = network.issue("p1", amount=50000, type_key="court_fee")
    html = verify_elements(insurer, item)
    claim_id = take_in(insurer, html)
    act(insurer, claim_id, "lock")
    assert act(insurer, claim_id, "feedback", amount="100.00", **FEEDBACK).status_code == 303
    again = act(insurer, claim_id, "feedback", amount="100.00", **FEEDBACK)
    assert again.status_code in (303, 409)
    assert fiscal_status(network, item)["reimbursed_amount"] == 10000


def test_feedback_above_the_remaining_amount_is_refused(insurer, network, wallet_app):
    item = network.issue("p1", amount=50000, type_key="court_fee")
    html = verify_elements(insurer, item)
    claim_id = take_in(insurer, html)
    act(insurer, claim_id, "lock")
    refused = act(insurer, claim_id, "feedback", amount="500.01", **FEEDBACK)
    assert refused.status_code == 422 and "剩余可报销金额" in refused.get_data(as_text=True)
    assert fiscal_status(network, item)["reimbursed_amount"] == 0


def test_five_elements_verify_then_claim_then_reject_releases_the_lock(insurer, network, wallet_app):
    item = network.issue("p1", amount=25630)
    claim_id = take_in(insurer, verify_elements(insurer, item))
    act(insurer, claim_id, "lock")
    assert act(insurer, claim_id, "reject", reason="材料不全").status_code == 303
    assert fiscal_status(network, item)["reimbursement"] == "unreimbursed"
    assert "已拒绝" in insurer.get(f"/unit/claims/{claim_id}").get_data(as_text=True)


def test_a_wrong_check_code_is_refused_and_stores_nothing(insurer, network, wallet_app):
    item = network.issue("p1")
    wrong = "zzzzzz" if fields_of(item)["check"] != "zzzzzz" else "yyyyyy"
    result = insurer.post("/unit/verify/elements", data={"csrf_token": token(insurer), **fields_of(item, check=wrong)})
    assert result.status_code == 422 and "校验码" in result.get_data(as_text=True)
    assert 'action="/unit/file-claims"' not in result.get_data(as_text=True)
    assert claim_count(wallet_app) == 0


def test_a_take_in_with_a_changed_element_is_refused_and_stores_nothing(insurer, network, wallet_app):
    item = network.issue("p1", amount=25630)
    forged = {"csrf_token": token(insurer), **fields_of(item, amount="1.00")}
    response = insurer.post("/unit/file-claims", data=forged)
    assert response.status_code == 422 and "不一致" in response.get_data(as_text=True)
    assert claim_count(wallet_app) == 0


def test_a_tampered_layout_pdf_is_refused_and_stores_nothing(insurer, network, wallet_app):
    item = network.issue("p1")
    result = verify_pdf(insurer, tampered_pdf(layout_pdf(network, item)))
    assert result.status_code == 422 and "签名验证未通过" in result.get_data(as_text=True)
    assert claim_count(wallet_app) == 0


def test_a_red_reversed_bill_is_shown_but_cannot_be_taken_in(insurer, network, wallet_app):
    original, _red = red_reverse(network, network.issue("p1", amount=25630))
    result = insurer.post("/unit/verify/elements", data={"csrf_token": token(insurer), **fields_of(original)})
    html = result.get_data(as_text=True)
    assert "已冲红作废，不能报销" in html and 'action="/unit/file-claims"' not in html
    forced = insurer.post("/unit/file-claims", data={"csrf_token": token(insurer), **fields_of(original)})
    assert forced.status_code == 409 and "已冲红作废" in forced.get_data(as_text=True)
    assert claim_count(wallet_app) == 0


def test_the_same_bill_is_not_taken_in_twice_by_one_unit(insurer, network, wallet_app):
    item = network.issue("p1")
    html = verify_elements(insurer, item)
    take_in(insurer, html)
    again = insurer.post("/unit/file-claims", data={"csrf_token": token(insurer), **fields_of(item)})
    assert again.status_code == 409 and "已受理" in again.get_data(as_text=True)
    assert claim_count(wallet_app) == 1


def test_another_unit_cannot_see_or_act_on_the_file_claim(client, network, wallet_app, demo_units, unit_logins):
    unit_client_login(client, unit_logins["insurer"])
    item = network.issue("p1")
    html = verify_elements(client, item)
    claim_id = take_in(client, html)
    client.post("/unit/logout", data={"csrf_token": token(client)})
    unit_client_login(client, unit_logins["agency"])
    assert client.get(f"/unit/claims/{claim_id}").status_code == 404
    assert act(client, claim_id, "lock").status_code == 404
    assert fiscal_status(network, item)["reimbursement"] == "unreimbursed"


def test_a_bill_locked_by_another_unit_is_refused_on_lock(client, network, wallet_app, demo_units, unit_logins):
    item = network.issue("p1")
    unit_client_login(client, unit_logins["agency"])
    html = verify_elements(client, item)
    first = take_in(client, html)
    assert act(client, first, "lock").status_code == 303
    client.post("/unit/logout", data={"csrf_token": token(client)})
    unit_client_login(client, unit_logins["insurer"])
    html = verify_elements(client, item)
    second = take_in(client, html)
    refused = act(client, second, "lock")
    assert refused.status_code == 409 and "锁定" in refused.get_data(as_text=True)
    assert "待锁定" in client.get(f"/unit/claims/{second}").get_data(as_text=True)


def test_verify_without_a_file_or_with_bad_fields_answers_4xx(insurer, wallet_app):
    empty = insurer.post("/unit/verify/file", data={"csrf_token": token(insurer)})
    assert empty.status_code == 400 and "PDF" in empty.get_data(as_text=True)
    bad = insurer.post(
        "/unit/verify/elements",
        data={"csrf_token": token(insurer), "code": "12", "number": "x", "check": "", "date": "", "amount": ""},
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert insurer.post("/unit/file-claims", data={"csrf_token": token(insurer)}).status_code == 400
    assert claim_count(wallet_app) == 0


def test_the_verify_page_is_in_the_unit_navigation(insurer):
    html = insurer.get("/unit/").get_data(as_text=True)
    assert 'href="/unit/verify">查验票据' in html


def test_file_claims_appear_in_the_inbox_and_the_export_marked_as_file_mode(insurer, network, wallet_app):
    item = network.issue("p1", amount=50000, type_key="court_fee")
    html = verify_elements(insurer, item)
    claim_id = take_in(insurer, html)
    inbox = insurer.get("/unit/").get_data(as_text=True)
    row = inbox[inbox.index(f'data-claim="{item["code"]}-{item["number"]}"') :]
    assert 'data-testid="mode">文件报销<' in row[: row.index("</tr>")]
    act(insurer, claim_id, "lock")
    act(insurer, claim_id, "feedback", amount="120.50", **FEEDBACK)
    assert f'data-claim="{item["code"]}' not in insurer.get("/unit/").get_data(as_text=True)
    assert f'data-claim="{item["code"]}' in insurer.get("/unit/?status=reimbursed").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(insurer.get("/unit/export.csv").get_data(as_text=True).lstrip("\ufeff"))))
    mode = rows[0].index("报销方式")
    assert [r for r in rows[1:] if r[2] == item["number"]][0][mode] == "文件报销"
    assert [r for r in rows[1:] if r[2] == item["number"]][0][11] == "120.50"
