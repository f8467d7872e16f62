"""Each kind of user stays in its own area: a unit user who opens a resident or finance page is turned back."""

from __future__ import annotations


def test_a_unit_user_opening_a_resident_page_is_sent_to_the_unit_inbox(insurer):
    response = insurer.get("/authorizations")
    assert response.status_code == 302 and response.headers["Location"].endswith("/unit/")
    inbox = insurer.get("/unit/").get_data(as_text=True)
    assert "当前已登录单位账户，如需使用个人账户，请先退出。" in inbox


def test_a_unit_user_opening_the_finance_console_is_sent_to_its_login(insurer):
    page = insurer.get("/finance/", follow_redirects=True)
    assert page.request.path == "/finance/login"
    assert "当前已登录单位账户。请使用财政部门管理账户登录，登录后将退出当前账户。" in page.get_data(as_text=True)


def test_the_area_guard_answers_htmx_and_json_in_kind(insurer):
    htmx = insurer.get("/authorizations", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx.headers["HX-Redirect"].endswith("/unit/")
    json = insurer.get("/authorizations", headers={"Accept": "application/json"})
    assert json.status_code == 403 and json.get_json()["code"] == "wrong_account"


def test_pages_every_kind_may_open_stay_open_to_a_unit_user(insurer):
    assert insurer.get("/receipts/keys").status_code == 200
