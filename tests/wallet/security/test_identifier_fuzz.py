"""No identifier field answers 500, whatever Unicode is typed into it: every form that takes a bill
element, an ID number, a credit code or a phone number gets generated text and must answer 2xx–4xx.

Superscripts, Arabic-Indic digits, full-width forms, control characters and emoji are where
``str.isdigit()`` and ``\\d`` used to let text through to ``int()``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token_of
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.wallet.authorization.fixtures import (  # noqa: F401  (fixtures)
    UNIT_APPLICATION,
    demo_login,
    demo_units,
    resident_client,
    stub_browser,
    unit_client_login,
)
from wallet.extensions import limiter

# Text a phone's input method, a paste or a hostile client can produce; digits of every script first.
TYPED = st.one_of(
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=20),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
    st.text("0123456789０１２３４５６７８９²³¹٠١٢٣۴५X-. ", max_size=24),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FIVE = ("code", "number", "check", "date", "amount")


def posted(client, page: str, action: str, fields: dict[str, str]) -> int:
    token = csrf_token_of(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **fields}).status_code


@pytest.mark.parametrize("field", FIVE)
@FUZZ
@given(text=TYPED)
def test_the_public_check_form_never_fails(client, network, field, text):
    fields = {
        "code": "15060126",
        "number": "0000000001",
        "check": "abcdef",
        "date": "20260301",
        "amount": "1.00",
        field: text,
    }
    assert posted(client, "/check", "/check", fields) < 500
    assert (
        client.post(
            "/check/field",
            data={
                "csrf_token": csrf_token_of(client.get("/check").get_data(as_text=True)),
                "field": field,
                field: text,
            },
        ).status_code
        < 500
    )


@pytest.mark.parametrize("field", ("credit_code", "contact_phone", "contact_id"))
@FUZZ
@given(text=TYPED)
def test_the_unit_application_never_fails(client, field, text):
    assert posted(client, "/unit/apply", "/unit/apply", {**UNIT_APPLICATION, field: text}) < 500


@FUZZ
@given(text=TYPED)
def test_the_resident_import_and_list_filters_never_fail(resident_client, text):
    fields = {name: text for name in FIVE}
    assert posted(resident_client, "/import", "/import/elements", fields) < 500
    assert posted(resident_client, "/import", "/import/qr", {"qr_text": text}) < 500
    for name in ("year", "q", "province", "status", "cursor"):
        assert resident_client.get("/", query_string={name: text}).status_code < 500


@pytest.fixture
def clerk(client, demo_units):
    """The insurer's clerk, logged in once for every generated example."""
    unit_client_login(client, demo_login("insurer"))
    return client


@FUZZ
@given(text=TYPED)
def test_the_unit_verify_form_never_fails(clerk, text):
    assert posted(clerk, "/unit/verify", "/unit/verify", {name: text for name in FIVE}) < 500


@FUZZ
@given(text=TYPED)
def test_the_sms_login_never_fails(client, text):
    for action in ("/idp/login/sms-code", "/idp/login/sms"):
        answer = client.post(action, data={"phone": text, "code": text, "next": "/idp/"})
        assert answer.status_code < 500


OTHER_DIGIT = st.characters(categories=["Nd", "No"]).filter(
    lambda c: not c.isascii() and not 0xFF10 <= ord(c) <= 0xFF19
)


@FUZZ
@given(digit=OTHER_DIGIT, at=st.integers(min_value=0, max_value=7))
def test_a_digit_of_another_kind_in_a_typed_element_gets_a_4xx_and_says_so(client, network, digit, at):
    limiter.reset()  # the page's own rate limit is not what this test is about
    code = "15060126"
    fields = {
        "code": code[:at] + digit + code[at + 1 :],
        "number": "0000000001",
        "check": "abcdef",
        "date": "20260301",
        "amount": "1.00",
    }
    answer = client.post(
        "/check", data={"csrf_token": csrf_token_of(client.get("/check").get_data(as_text=True)), **fields}
    )
    assert 400 <= answer.status_code < 500
    assert "数字请用半角 0–9 输入" in answer.get_data(as_text=True)
