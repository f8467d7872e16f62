"""A link with an access code: asked for before anything shows, limited per link, and never over-counted."""

from __future__ import annotations

import threading

import requests

from tests.conftest import csrf_token_of
from tests.wallet.share.fixtures import link_row, make_link, stranger
from wallet.services.share_state import MAX_CODE_FAILURES


def give(office, token: str, code: str):
    form = office.get(f"/shared?t={token}").get_data(as_text=True)
    return office.post("/shared", data={"csrf_token": csrf_token_of(form), "t": token, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_bills_show_only_after_the_right_code(sharer, bills, wallet_app):
    made = make_link(sharer, bills[:1], code=True)
    assert made.code is not None
    office = stranger(wallet_app)
    asked = office.get(f"/shared?t={made.token}")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "输入访问码" in html and "¥256.30" not in html
    assert asked.headers["X-Robots-Tag"].startswith("noindex")
    assert office.get(f"/shared/layout.pdf?t={made.token}&n=1").status_code == 403

    refused = give(office, made.token, wrong(made.code))
    assert refused.status_code == 403
    assert f"访问码不正确，还可以再试 {MAX_CODE_FAILURES - 1} 次。" in refused.get_data(as_text=True)
    assert "¥256.30" not in refused.get_data(as_text=True)

    badly_typed = give(office, made.token, "12 34")
    assert badly_typed.status_code == 400 and "6 位数字" in badly_typed.get_data(as_text=True)
    assert link_row(wallet_app, made.link_id).code_failures == 1, "a code of the wrong shape is not counted"

    let_in = give(office, made.token, " ".join(made.code[i : i + 3] for i in (0, 3)))
    assert let_in.status_code == 303 and "/shared?t=" in let_in.headers["Location"]
    page = office.get(let_in.headers["Location"])
    assert page.status_code == 200 and "¥256.30" in page.get_data(as_text=True)
    assert link_row(wallet_app, made.link_id).code_failures == 1, "the right code gives its attempt back"
    other_office = stranger(wallet_app)
    assert "输入访问码" in other_office.get(f"/shared?t={made.token}").get_data(as_text=True)


def test_too_many_wrong_codes_lock_the_link_even_against_the_right_one(sharer, bills, wallet_app):
    made = make_link(sharer, bills[:1], code=True)
    office = stranger(wallet_app)
    answers = [give(office, made.token, wrong(made.code)).status_code for _ in range(MAX_CODE_FAILURES)]
    assert answers == [403] * MAX_CODE_FAILURES
    locked = give(office, made.token, made.code)
    assert locked.status_code == 403 and "链接已锁定" in locked.get_data(as_text=True)
    assert stranger(wallet_app).get(f"/shared?t={made.token}").status_code == 403
    assert link_row(wallet_app, made.link_id).code_failures == MAX_CODE_FAILURES
    assert "访问码错误过多" in sharer.get("/shares").get_data(as_text=True)


def test_guesses_sent_side_by_side_never_exceed_the_attempts(sharer, bills, wallet_app, base_url):
    made = make_link(sharer, bills[:1], code=True)
    sessions, forms = [], []
    for _ in range(MAX_CODE_FAILURES * 2):
        http = requests.Session()
        page = http.get(f"{base_url}/shared", params={"t": made.token}, timeout=10).text
        sessions.append(http)
        forms.append({"csrf_token": csrf_token_of(page), "t": made.token, "code": wrong(made.code)})
    codes: list[int] = []
    start = threading.Barrier(len(sessions))

    def guess(http, form) -> None:
        start.wait()
        codes.append(http.post(f"{base_url}/shared", data=form, timeout=30, allow_redirects=False).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(sessions, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [403] * len(sessions)
    assert link_row(wallet_app, made.link_id).code_failures == MAX_CODE_FAILURES
