"""PDF bases (佐证资料) over real HTTP: a matching basis issues; a mismatch is held, sent to manual review by
the unit, and approved (the bill issues, reviewer and time recorded) or refused (the reason shown); bad
uploads are refused with a 4xx and write nothing."""

from __future__ import annotations

import base64
import io
import re

import pytest
import requests
from pypdf import PdfWriter
from sqlalchemy import func, select

from fiscal_stub.models import Bill, IssueBasis, StatusEvent
from fiscal_stub.supervision.basis_reviews import submit
from fiscal_stub.supervision.demo import blank_pdf, text_pdf
from tests.fiscal_stub.conftest import ISSUER_TOKEN, WURINA
from tests.fiscal_stub.supervision.conftest import CHARITY, beijing
from tests.fiscal_stub.supervision.test_supervision_http import officer_console, unit_console
from tests.fiscal_stub.test_concurrency import race, statuses
from tests.fiscal_stub.test_console import csrf, csrf_in

AGREEMENT = (
    "公益捐赠协议书",
    "捐赠人：乌日娜（身份证号 15010219860314110X）",
    "受赠人：内蒙古自治区慈善总会",
    "捐赠金额：人民币 1,288.00 元（大写：壹仟贰佰捌拾捌元整）",
    "捐赠用途：助学捐赠款，专项用于牧区儿童助学。",
)


def donation(pdf: bytes | None = None, amount: int = 128_800, **fields) -> dict:
    body = {"type": "donation", "payer_name": WURINA[1], "payer_id_number": WURINA[0], "amount": amount, **fields}
    if pdf is not None:
        body["basis"] = {"filename": "捐赠协议.pdf", "content_base64": base64.b64encode(pdf).decode()}
    return body


def written(sv) -> tuple[int, int, int]:
    sv.session.rollback()
    counts = [sv.session.execute(select(func.count()).select_from(t)).scalar_one() for t in (StatusEvent, IssueBasis)]
    return (sv.bill_count(), *counts)


def test_a_basis_that_matches_the_face_issues_at_once_and_stays_beside_the_bill(sv, clock):
    issued = sv.api.post("/issuer/bills", donation(text_pdf(AGREEMENT)), token=ISSUER_TOKEN)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["basis"]["status"] == "matched" and all(f["found"] for f in body["basis"]["findings"])
    assert body["basis"]["bill"] == {"code": body["bill"]["code"], "number": body["bill"]["number"]}
    sv.session.rollback()
    kept = sv.session.execute(select(IssueBasis)).scalar_one()
    assert kept.pdf == text_pdf(AGREEMENT) and "壹仟贰佰捌拾捌元整" in kept.pdf_text


def test_a_mismatch_is_held_sent_to_review_and_approved_issues_the_bill(sv, clock):
    before = written(sv)
    held = sv.api.post("/issuer/bills", donation(text_pdf(AGREEMENT), amount=138_800), token=ISSUER_TOKEN)
    assert held.status_code == 409 and held.json()["code"] == "basis_mismatch"
    review = held.json()["review"]
    assert review["status"] == "awaiting_confirmation" and review["bill"] is None
    amount = next(f for f in review["findings"] if f["key"] == "amount")
    assert (amount["found"], amount["face"], amount["seen"]) == (False, "¥1,388.00", "资料中的金额：¥1,288.00")
    assert "提交同级财政部门人工复核" in held.json()["message"]
    assert written(sv)[:2] == before[:2], "nothing issued"

    too_early = sv.api.post(f"/issuer/basis-reviews/{review['id']}/submit", {}, token=None)
    assert too_early.status_code == 401
    sent = sv.api.post(f"/issuer/basis-reviews/{review['id']}/submit", {"note": "另有补充协议"}, token=ISSUER_TOKEN)
    assert sent.status_code == 200 and sent.json()["review"]["status"] == "in_review"
    again = sv.api.post(f"/issuer/basis-reviews/{review['id']}/submit", {}, token=ISSUER_TOKEN)
    assert (again.status_code, again.json()["code"]) == (409, "review_state")

    finance = officer_console(sv)
    queue = finance.get(f"{sv.api.base}/fiscal/console/finance/reviews", timeout=30).text
    assert f'data-review="{review["id"]}"' in queue
    page = f"{sv.api.base}/fiscal/console/finance/reviews/{review['id']}"
    shown = finance.get(page, timeout=30).text
    assert 'id="basis-text"' in shown and "壹仟贰佰捌拾捌元整" in shown and "另有补充协议" in shown
    clock.set(beijing(2026, 3, 11, 9, 30))
    approved = finance.post(f"{page}/approve", data={"csrf_token": csrf_in(shown)}, timeout=30)
    assert approved.status_code == 200 and "复核通过，已开具票据" in approved.text
    twice = finance.post(f"{page}/approve", data={"csrf_token": csrf_in(shown)}, timeout=30)
    assert twice.status_code == 409, "a review is decided once"

    outcome = sv.api.get(f"/issuer/basis-reviews/{review['id']}", token=ISSUER_TOKEN).json()["review"]
    assert outcome["status"] == "approved" and outcome["reviewer"] == "czt"
    assert outcome["reviewed_at"] == "2026-03-11T09:30:00+08:00"
    sv.session.rollback()
    bills = sv.session.execute(select(Bill)).scalars().all()
    assert [(b.code, b.number, b.total, b.issue_date) for b in bills] == [
        (outcome["bill"]["code"], outcome["bill"]["number"], 138_800, "20260311")
    ]
    trail = finance.get(f"{sv.api.base}/fiscal/console/finance/units/{sv.unit(CHARITY).code}", timeout=30).text
    for action in ("佐证资料比对不一致，暂缓开票", "提交人工复核", "人工复核通过并开票"):
        assert action in trail


def test_a_refused_review_issues_nothing_and_the_unit_sees_the_reason(sv, clock):
    charity = sv.unit(CHARITY)
    sv.account(charity)
    unit = unit_console(sv, charity)
    page = f"{sv.api.base}/fiscal/console/unit/issue"
    fields = {"type": "donation", "payer_name": "王建国", "payer_id_number": "150203196209084832", "amount": "1288"}
    files = {"basis": ("捐赠协议.pdf", text_pdf(AGREEMENT), "application/pdf")}
    held = unit.post(page, data={"csrf_token": csrf(unit, page), **fields}, files=files, timeout=30)
    assert held.status_code == 200 and re.search(r"/unit/reviews/[0-9]+$", held.url)
    assert "佐证资料与票面信息不一致" in held.text and 'data-finding="payer_name" class="missing"' in held.text
    assert 'data-finding="amount" class="found"' in held.text
    assert sv.bill_count() == 0
    review_page = held.url
    sent = unit.post(f"{review_page}/submit", data={"csrf_token": csrf_in(held.text), "note": "代父捐赠"}, timeout=30)
    assert sent.status_code == 200 and "已提交同级财政部门人工复核" in sent.text and "人工复核中" in sent.text

    finance = officer_console(sv)
    review_id = review_page.rsplit("/", 1)[1]
    decide = f"{sv.api.base}/fiscal/console/finance/reviews/{review_id}"
    blank = finance.post(f"{decide}/refuse", data={"csrf_token": csrf(finance, decide), "reason": " "}, timeout=30)
    assert blank.status_code == 422 and "请填写不通过的原因" in blank.text and 'aria-invalid="true"' in blank.text
    no_csrf = finance.post(f"{decide}/refuse", data={"reason": "捐赠人与交款人不一致"}, timeout=30)
    assert no_csrf.status_code == 400
    reason = "协议捐赠人为乌日娜，与交款人不一致，请按实际捐赠人开具。"
    refused = finance.post(f"{decide}/refuse", data={"csrf_token": csrf(finance, decide), "reason": reason}, timeout=30)
    assert refused.status_code == 200 and "复核不通过" in refused.text
    approve_late = finance.post(f"{decide}/approve", data={"csrf_token": csrf(finance, decide)}, timeout=30)
    assert approve_late.status_code == 409

    assert sv.bill_count() == 0
    listed = unit.get(f"{sv.api.base}/fiscal/console/unit/reviews", timeout=30).text
    assert "人工复核未通过，未开票" in listed and reason in listed
    detail = unit.get(review_page, timeout=30).text
    assert f'<dd id="refusal-reason">{reason}</dd>' in detail
    pdf = unit.get(f"{review_page}.pdf", timeout=30)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content == text_pdf(AGREEMENT)


def test_a_unit_sees_only_its_own_requests(sv, clock):
    held = sv.api.post("/issuer/bills", donation(text_pdf(AGREEMENT), amount=100), token=ISSUER_TOKEN)
    review_id = held.json()["review"]["id"]
    hospital = sv.unit("内蒙古自治区人民医院")
    sv.account(hospital)
    other = unit_console(sv, hospital)
    base = f"{sv.api.base}/fiscal/console/unit/reviews/{review_id}"
    assert other.get(base, timeout=30).status_code == 404
    assert other.get(f"{base}.pdf", timeout=30).status_code == 404
    sent = other.post(f"{base}/submit", data={"csrf_token": csrf(other, f"{sv.api.base}/fiscal/console/unit/")})
    assert sent.status_code == 404
    with pytest.raises(Exception, match="没有这份复核申请"):
        submit(sv.session, review_id, hospital.code, "", beijing(2026, 3, 10))


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD_UPLOADS = [
    pytest.param(b"<html><body>not a pdf</body></html>", 422, "invalid_basis", "不是 PDF 格式", id="html"),
    pytest.param(b"%PDF-1.7\n" + b"\x00garbage" * 100, 422, "invalid_basis", "已损坏", id="forged-header"),
    pytest.param(encrypted_pdf(), 422, "invalid_basis", "已加密", id="encrypted"),
    pytest.param(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), 413, "basis_too_large", "不能超过 5 兆", id="oversized"),
    pytest.param(b"", 422, "invalid_basis", "请选择", id="empty"),
]


@pytest.mark.parametrize(("data", "status", "code", "said"), BAD_UPLOADS)
def test_bad_uploads_are_refused_over_the_api_and_write_nothing(sv, clock, data, status, code, said):
    before = written(sv)
    response = sv.api.post("/issuer/bills", donation(data), token=ISSUER_TOKEN)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert said in response.json()["message"]
    assert written(sv) == before


def test_basis_fields_that_are_not_base64_or_not_an_object_are_refused(sv, clock):
    for basis in ({"content_base64": "@@not base64@@"}, "contract.pdf", {"filename": "a.pdf"}):
        response = sv.api.post("/issuer/bills", {**donation(), "basis": basis}, token=ISSUER_TOKEN)
        assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
    assert written(sv) == (0, 0, 0)


@pytest.mark.parametrize(("data", "status", "code", "said"), BAD_UPLOADS[:4])
def test_bad_uploads_are_refused_in_the_unit_console(sv, clock, data, status, code, said):
    charity = sv.unit(CHARITY)
    sv.account(charity)
    unit = unit_console(sv, charity)
    page = f"{sv.api.base}/fiscal/console/unit/issue"
    fields = {"type": "donation", "payer_name": WURINA[1], "payer_id_number": WURINA[0], "amount": "1288"}
    files = {"basis": ("合同.pdf", data, "application/pdf")}
    response = unit.post(page, data={"csrf_token": csrf(unit, page), **fields}, files=files, timeout=30)
    assert response.status_code == status and said in response.text
    assert 'id="basis-problem"' in response.text or "basis-error" in response.text
    assert written(sv) == (0, 0, 0)


def test_a_scanned_basis_without_text_goes_to_a_person(sv, clock):
    held = sv.api.post("/issuer/bills", donation(blank_pdf()), token=ISSUER_TOKEN)
    assert held.status_code == 409
    assert all(not f["found"] and "扫描图片" in f["seen"] for f in held.json()["review"]["findings"])


def test_the_operator_console_shows_the_differences_of_a_held_request(sv, clock):
    operator = requests.Session()
    login = f"{sv.api.base}/fiscal/console/login"
    operator.post(login, data={"csrf_token": csrf(operator, login), "token": ISSUER_TOKEN}, timeout=30)
    home = f"{sv.api.base}/fiscal/console/"
    fields = {"type": "donation", "payer_name": WURINA[1], "payer_id_number": WURINA[0], "amount": "1388"}
    files = {"basis": ("捐赠协议.pdf", text_pdf(AGREEMENT), "application/pdf")}
    held = operator.post(f"{home}bills", data={"csrf_token": csrf(operator, home), **fields}, files=files, timeout=30)
    assert held.status_code == 409 and 'id="basis-held"' in held.text
    assert 'data-finding="amount" class="missing"' in held.text and "资料中的金额：¥1,288.00" in held.text
    matched = operator.post(
        f"{home}bills",
        data={"csrf_token": csrf(operator, home), **fields, "amount": "1288"},
        files=files,
        timeout=30,
    )
    assert matched.status_code == 200 and "已开具票据" in matched.text


def test_two_officers_approving_at_once_issue_one_bill(sv, clock):
    held = sv.api.post("/issuer/bills", donation(text_pdf(AGREEMENT), amount=100), token=ISSUER_TOKEN).json()
    review_id = held["review"]["id"]
    submits = race([lambda: sv.api.post(f"/issuer/basis-reviews/{review_id}/submit", {}, token=ISSUER_TOKEN)] * 4)
    assert statuses(submits) == [200, 409, 409, 409]
    officers = [officer_console(sv, f"czt{i}") for i in range(4)]
    page = f"{sv.api.base}/fiscal/console/finance/reviews/{review_id}"
    tokens = [csrf(officer, page) for officer in officers]
    decisions = race(
        [
            lambda o=o, t=t: o.post(f"{page}/approve", data={"csrf_token": t}, timeout=30)
            for o, t in zip(officers, tokens, strict=True)
        ]
    )
    assert statuses(decisions) == [200, 409, 409, 409]
    assert sv.bill_count() == 1
    outcome = sv.api.get(f"/issuer/basis-reviews/{review_id}", token=ISSUER_TOKEN).json()["review"]
    assert outcome["status"] == "approved" and outcome["bill"] is not None
