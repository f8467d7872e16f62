"""The rules of a share link, without a server: its secrets, how it ends, and what a resident may ask for."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from wallet import policy
from wallet.models import Bill, ShareLink
from wallet.refusals import Refusal
from wallet.services import share_tokens
from wallet.services.share_links import MAX_DAYS, parse_request
from wallet.services.share_state import MAX_CODE_FAILURES, state_of

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def test_a_token_carries_at_least_128_random_bits_and_only_its_hash_is_kept():
    tokens = {share_tokens.new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert share_tokens.well_formed(token) and len(token) * 6 >= 128
        hashed = share_tokens.token_hash(token)
        assert len(hashed) == 64 and token not in hashed and hashed == share_tokens.token_hash(token)


@pytest.mark.parametrize("token", ["", "short", "x" * 31, "x" * 33, "a" * 31 + "/", "ａ" * 32, "a" * 31 + "%"])
def test_a_token_of_any_other_shape_is_not_looked_up(token):
    assert not share_tokens.well_formed(token)


def test_access_codes_are_six_digits_typed_any_way_and_their_hash_is_keyed_and_bound_to_the_link():
    assert share_tokens.typed_code(" １２３ ４５６ ") == "123456"
    assert share_tokens.typed_code("12345") is None and share_tokens.typed_code("12345a") is None
    assert share_tokens.typed_code("١٢٣٤٥٦") is None  # Arabic-Indic digits are not ASCII digits
    assert all(share_tokens.CODE_PATTERN.fullmatch(share_tokens.new_code()) for _ in range(50))
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "one"
    with app.app_context():
        first = share_tokens.code_hash("a" * 64, "123456")
        assert share_tokens.code_matches("a" * 64, first, "123456")
        assert not share_tokens.code_matches("a" * 64, first, "123457")
        assert share_tokens.code_hash("b" * 64, "123456") != first
    app.config["SECRET_KEY"] = "two"
    with app.app_context():
        assert share_tokens.code_hash("a" * 64, "123456") != first


def link(**columns) -> ShareLink:
    values = {"expires_at": NOW + timedelta(days=7), "code_failures": 0, "code_hash": None}
    return ShareLink(**{**values, **columns})


@pytest.mark.parametrize(
    "columns, state",
    [
        ({}, "active"),
        ({"expires_at": NOW}, "expired"),
        ({"expires_at": NOW - timedelta(seconds=1)}, "expired"),
        ({"revoked_at": NOW - timedelta(days=1)}, "revoked"),
        ({"revoked_at": NOW, "expires_at": NOW - timedelta(days=1)}, "revoked"),
        ({"dead_at": NOW, "dead_reason": "locked"}, "dead"),
        ({"dead_at": NOW, "expires_at": NOW - timedelta(days=1)}, "dead"),
        ({"code_hash": "h", "code_failures": MAX_CODE_FAILURES - 1}, "active"),
        ({"code_hash": "h", "code_failures": MAX_CODE_FAILURES}, "code_locked"),
    ],
)
def test_how_a_link_stands_by_its_own_columns(columns, state):
    assert state_of(link(**columns), NOW) == state


def bill(**columns) -> Bill:
    values = {"resident_id": 1, "total": 25630, "issuance": "normal", "reimbursement": "unreimbursed"}
    values |= {"status_json": json.dumps({}), "claimable": 25630, "reimbursed_amount": 0}
    return Bill(**{**values, **columns})


def locked_until(at: datetime) -> dict[str, str]:
    status = {"lock_expires_at": at.isoformat(), "locked_by": {"unit_name": "北疆人寿"}}
    return {"reimbursement": "locked", "status_json": json.dumps(status)}


@pytest.mark.parametrize(
    "columns, reason",
    [
        ({}, None),
        ({"reimbursement": "partially_reimbursed", "reimbursed_amount": 100}, None),
        ({"issuance": "red_reversed"}, "red_reversed"),
        ({"issuance": "exchanged"}, "exchanged"),
        (locked_until(NOW + timedelta(days=1)), "locked"),
        (locked_until(NOW - timedelta(minutes=1)), None),
    ],
)
def test_what_ends_a_link_on_a_bill_by_its_mirrored_status(columns, reason):
    assert policy.share_ended_by(bill(**columns), NOW) == reason


@pytest.mark.parametrize(
    "columns, code, words",
    [
        ({}, "ok", ""),
        ({"resident_id": 2}, "not_found", "没有找到"),
        ({"total": -25630}, "red_bill", "红字"),
        ({"issuance": "red_reversed"}, "red_reversed", "冲红"),
        (locked_until(NOW + timedelta(days=1)), "locked_elsewhere", "北疆人寿"),
    ],
)
def test_which_bills_a_resident_may_share(columns, code, words):
    decision = policy.decide(policy.ResidentActor(1), "share", bill=bill(**columns), now=NOW)
    assert decision.code == code and words in decision.message


@pytest.mark.parametrize(
    "form, bills, fields",
    [
        ({"purpose": "insurance", "days": "7"}, [], {"bill"}),
        ({"purpose": "gift", "days": "7"}, [1], {"purpose"}),
        ({"purpose": "insurance", "days": "0"}, [1], {"days"}),
        ({"purpose": "insurance", "days": str(MAX_DAYS + 1)}, [1], {"days"}),
        ({"purpose": "insurance", "days": "７"}, [1], {"days"}),
        ({"purpose": "insurance", "days": "-3"}, [1], {"days"}),
        ({}, list(range(1, 30)), {"bill", "purpose", "days"}),
    ],
)
def test_every_wrong_choice_is_named_by_its_field(form, bills, fields):
    with pytest.raises(Refusal) as refused:
        parse_request(MultiDict(form), bills)
    assert refused.value.status == 400 and set(refused.value.fields) == fields


def test_a_right_request_defaults_to_no_access_code():
    request = parse_request(MultiDict({"purpose": "records", "days": "30"}), [3, 4])
    assert (request.bill_ids, request.purpose, request.days, request.with_code) == ([3, 4], "records", 30, False)
