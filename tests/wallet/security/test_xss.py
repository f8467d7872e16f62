"""Markup typed into any free-text field comes back as text, and SQL typed into any search box is just text:
no page carries a payload as markup, the pages that show what was typed show it literally as typed, and no
search answers 500 or finds rows it should not."""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_of
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.authorization.fixtures import (  # noqa: F401  (fixtures)
    UNIT_APPLICATION,
    apply_for_unit,
    claimable,
    collected,
    demo_units,
    grant,
    resident_client,
    resident_id_of,
    stub_browser,
    unit_client_login,
    unit_logins,
)
from tests.wallet.finance.test_console import admin_login
from wallet.extensions import db
from wallet.models import AuditEntry, Bill, Claim, Unit
from wallet.services import bill_queries

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
INJECTIONS = ["' OR 1=1 --", '"; DROP TABLE bills; --']


class Rendered(HTMLParser):
    """A page as a browser reads it: the text a person sees, the values of its fields, and any
    element a payload could have made (an inline handler, a script calling ``alert``)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.values: list[str] = []
        self.injected: list[str] = []
        self.open_tag = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open_tag = tag
        self.values += [value for _, value in attrs if value]
        self.injected += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]

    def handle_endtag(self, tag: str) -> None:
        self.open_tag = ""

    def handle_data(self, data: str) -> None:
        if self.open_tag == "script" and "alert(" in data:
            self.injected.append(f"<script>{data}</script>")
        self.text.append(data)

    def shows(self, payload: str) -> bool:
        return payload in "".join(self.text) or any(payload in value for value in self.values)


def assert_inert(html: str, where: str, shown: Sequence[str] = ()) -> None:
    """No payload is live markup in ``html``; each of ``shown`` is there as the literal text typed."""
    for payload in PAYLOADS:
        assert payload not in html, f"{where} shows {payload!r} unescaped"
    page = Rendered(html)
    assert page.injected == [], f"{where} carries markup from a payload: {page.injected}"
    for payload in shown:
        assert page.shows(payload), f"{where} does not show {payload!r} as the text typed"


def counts(wallet_app) -> list[int]:
    with wallet_app.app_context():
        return [db.session.scalar(select(func.count()).select_from(m)) or 0 for m in (Bill, Claim, Unit)]


@pytest.fixture
def insurer(wallet_app, unit_logins, demo_units):
    client = wallet_app.test_client()
    unit_client_login(client, unit_logins["insurer"])
    return client


@pytest.fixture
def admin(wallet_app):
    client = wallet_app.test_client()
    admin_login(client, wallet_app)
    return client


def test_markup_in_every_unit_application_field_is_shown_as_text(client, admin, wallet_app):
    fields = ("name", "address", "legal_rep", "contact_name", "contact_phone", "email", "credit_code", "contact_id")
    echoed = ("name", "address", "legal_rep", "contact_name", "email")  # a refused form keeps what was typed
    for payload in PAYLOADS:
        for field in fields:
            response = apply_for_unit(client, **{field: payload})
            assert response.status_code in (303, 422), field
            again = (payload,) if response.status_code == 422 and field in echoed else ()
            assert_inert(response.get_data(as_text=True), f"/unit/apply {field}", shown=again)
        accepted = apply_for_unit(
            client,
            credit_code="12150100MB0K2N6Q32" if payload == PAYLOADS[0] else "12150100MB0K2N7Q8X",
            address=payload,
            legal_rep=payload,
            contact_name=payload,
            name=f"一中{payload}",
        )
        assert accepted.status_code in (303, 422)
    # the application filed above with the first payload as the unit's name waits for review
    assert_inert(admin.get("/finance/").get_data(as_text=True), "/finance/", shown=PAYLOADS[:1])
    for path in ("/finance/audit", "/finance/outbox"):
        assert_inert(admin.get(path).get_data(as_text=True), path)


def test_markup_in_claim_reference_note_reject_reason_and_feedback_is_inert(
    resident_client, insurer, wallet_app, demo_units
):
    rid = resident_id_of(wallet_app)
    bills = claimable(wallet_app, rid, 2)
    preview = resident_client.get(
        f"/authorize/{demo_units['insurer']}/preview?"
        + urlencode({"bill": bills[0], "claim_ref": PAYLOADS[1], "note": PAYLOADS[0]})
    )
    assert_inert(preview.get_data(as_text=True), "authorize preview", shown=PAYLOADS)
    picked = resident_client.get(
        f"/authorize/{demo_units['insurer']}?" + urlencode({"claim_ref": PAYLOADS[0], "note": PAYLOADS[1]})
    )
    assert_inert(picked.get_data(as_text=True), "select bills", shown=PAYLOADS)
    first, second = (
        grant(wallet_app, rid, demo_units["insurer"], [b], claim_ref=PAYLOADS[i][:64])[0] for i, b in enumerate(bills)
    )
    form = csrf_token_of(insurer.get("/unit/").get_data(as_text=True))
    rejected = insurer.post(f"/unit/claims/{first}/reject", data={"csrf_token": form, "reason": PAYLOADS[1]})
    assert rejected.status_code in (303, 422)
    assert_inert(rejected.get_data(as_text=True), "reject reply")
    insurer.post(f"/unit/claims/{second}/lock", data={"csrf_token": form})
    for payload in PAYLOADS:
        fed = insurer.post(
            f"/unit/claims/{second}/feedback",
            data={
                "csrf_token": form,
                "amount": "1.00",
                "serial": payload,
                "voucher": payload,
                "time": "2026-03-06T09:30",
            },
        )
        assert fed.status_code in (303, 409, 422)
        assert_inert(fed.get_data(as_text=True), "feedback reply", shown=(payload,))
    # the first claim carries PAYLOADS[0] as its reference and PAYLOADS[1] as its reject reason,
    # the second PAYLOADS[1] as its reference
    for path, shown in (
        ("/unit/", PAYLOADS[1:]),
        ("/unit/?status=all", PAYLOADS),
        (f"/unit/claims/{first}", PAYLOADS),
        (f"/unit/claims/{second}", PAYLOADS[1:]),
    ):
        assert_inert(insurer.get(path).get_data(as_text=True), path, shown=shown)
    export = insurer.get("/unit/export.csv")
    assert export.mimetype == "text/csv" and "attachment" in export.headers["Content-Disposition"]
    for path, shown in (
        ("/authorizations", PAYLOADS),
        ("/authorizations/overview", PAYLOADS),
        ("/notifications", PAYLOADS[1:]),
        ("/notifications/list", PAYLOADS[1:]),
        (f"/bills/{bills[0]}/authorizations", PAYLOADS[1:]),
        ("/access-history", PAYLOADS[1:]),
    ):
        assert_inert(resident_client.get(path).get_data(as_text=True), path, shown=shown)


def test_markup_in_check_fields_is_inert(client):
    for payload in PAYLOADS:
        query = urlencode({name: payload for name in ("code", "number", "check", "date", "amount")})
        page = client.get(f"/check?{query}")
        assert page.status_code in (200, 400, 422)
        assert_inert(page.get_data(as_text=True), "/check", shown=(payload,))
        form = csrf_token_of(client.get("/check").get_data(as_text=True))
        field = client.post(
            "/check/field", data={"csrf_token": form, "field": "code", "code": payload, "value": payload}
        )
        assert field.status_code < 500
        assert_inert(field.get_data(as_text=True), "/check/field")


def search_urls(demo_units: dict[str, int]) -> dict[str, list[str]]:
    return {
        "resident": ["/?q={}", "/?q={}&year=2026", "/authorize?q={}", f"/authorize/{demo_units['insurer']}?q={{}}"],
        "unit": ["/unit/?q={}", "/unit/?status=all&q={}"],
        "admin": ["/finance/?q={}", "/finance/audit?actor={}", "/finance/audit?action={}"],
    }


def test_search_boxes_show_markup_as_text_and_treat_sql_as_text(
    resident_client, insurer, admin, wallet_app, demo_units
):
    browsers = {"resident": resident_client, "unit": insurer, "admin": admin}
    before = counts(wallet_app)
    for who, urls in search_urls(demo_units).items():
        for url in urls:
            for text in PAYLOADS + INJECTIONS:
                response = browsers[who].get(url.format(urlencode({"": text})[1:]))
                assert response.status_code in (200, 400), (url, text, response.status_code)
                assert_inert(response.get_data(as_text=True), url, shown=(text,))  # in the search box
    assert counts(wallet_app) == before
    rid = resident_id_of(wallet_app)
    with wallet_app.app_context():
        for text in INJECTIONS:
            found, _ = bill_queries.page_of_bills(rid, bill_queries.BillFilter(q=text), None)
            assert found == [], text
        assert db.session.scalar(select(func.count(AuditEntry.id))) is not None
