"""The bill administrator's identity: SMS codes, a forgotten password, a lost UKey and a new one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from fiscal_stub.models import SmsMessage, UnitAccount
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision.accounts import unit_login
from fiscal_stub.supervision.audit import Actor, trail
from fiscal_stub.supervision.guard import why_unit_cannot_issue
from fiscal_stub.supervision.recovery import reset_password
from fiscal_stub.supervision.sms import MAX_ATTEMPTS, send_code
from fiscal_stub.supervision.ukey_device import UKeyDevice
from fiscal_stub.supervision.ukeys import (
    enrol_with_code,
    issue_enrolment,
    login_with_key,
    new_challenge,
    register_key,
    report_lost,
    serial_of,
)
from tests.fiscal_stub.supervision.conftest import HOSPITAL, PASSWORD, PHONE, beijing

SECRET = "test-secret"
NOW = beijing(2026, 3, 10)
CODE = re.compile(r"(?:验证码|登记码) ([0-9A-Z-]+)")
NEW_PASSWORD = "New-pass-2026"


def last_code(sv) -> str:
    sv.session.rollback()
    message = sv.session.execute(select(SmsMessage).order_by(SmsMessage.id.desc()).limit(1)).scalar_one()
    assert message.phone == PHONE
    match = CODE.search(message.text)
    assert match, message.text
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def account(sv) -> UnitAccount:
    return sv.account(sv.unit(HOSPITAL))


def reset(sv, account, code, minutes=1, password=NEW_PASSWORD):
    reset_password(sv.session, account, code, password, password, SECRET, NOW + timedelta(minutes=minutes))


def test_password_reset_by_sms_code_works_once(sv, account):
    assert send_code(sv.session, account, "reset_password", SECRET, NOW) == "138****0999"
    code = last_code(sv)
    reset(sv, account, code)
    assert unit_login(sv.session, account.unit_code, NEW_PASSWORD) is not None
    assert unit_login(sv.session, account.unit_code, PASSWORD) is None
    with pytest.raises(FiscalError) as again:
        reset(sv, account, code, minutes=2, password="Other-pass-1")
    assert again.value.code == "sms_code_missing"
    assert unit_login(sv.session, account.unit_code, NEW_PASSWORD) is not None
    assert trail(sv.session, account.unit_code)[0].action == "password.reset"


def test_an_sms_code_expires_after_five_minutes(sv, account):
    send_code(sv.session, account, "reset_password", SECRET, NOW)
    code = last_code(sv)
    with pytest.raises(FiscalError) as late:
        reset(sv, account, code, minutes=5)
    assert late.value.code == "sms_code_expired" and "过期" in late.value.message
    assert unit_login(sv.session, account.unit_code, PASSWORD) is not None


def test_wrong_codes_are_counted_and_the_code_is_given_up_after_five(sv, account):
    send_code(sv.session, account, "reset_password", SECRET, NOW)
    code = last_code(sv)
    for attempt in range(1, MAX_ATTEMPTS):
        with pytest.raises(FiscalError) as refused:
            reset(sv, account, wrong(code))
        assert (
            refused.value.code == "sms_code_wrong"
            and f"还可以再试 {MAX_ATTEMPTS - attempt} 次" in refused.value.message
        )
    with pytest.raises(FiscalError) as last:
        reset(sv, account, wrong(code))
    assert last.value.code == "sms_code_exhausted"
    with pytest.raises(FiscalError) as right_too_late:
        reset(sv, account, code)
    assert right_too_late.value.code == "sms_code_exhausted"
    assert unit_login(sv.session, account.unit_code, PASSWORD) is not None


def test_a_new_code_waits_a_minute_and_a_code_serves_only_its_purpose(sv, account):
    send_code(sv.session, account, "reset_password", SECRET, NOW)
    with pytest.raises(FiscalError) as soon:
        send_code(sv.session, account, "reset_password", SECRET, NOW + timedelta(seconds=30))
    assert soon.value.status == 429
    code = last_code(sv)
    with pytest.raises(FiscalError) as other:
        report_lost(sv.session, account, code, SECRET, NOW + timedelta(minutes=1))
    assert other.value.code == "sms_code_missing"
    send_code(sv.session, account, "reset_password", SECRET, NOW + timedelta(seconds=61))
    with pytest.raises(FiscalError):
        reset(sv, account, code, minutes=2)  # the older code was replaced by the newer one


def test_a_weak_new_password_is_refused_before_the_code_is_spent(sv, account):
    send_code(sv.session, account, "reset_password", SECRET, NOW)
    code = last_code(sv)
    with pytest.raises(FiscalError) as weak:
        reset(sv, account, code, password="short")
    assert weak.value.code == "weak_password"
    reset(sv, account, code)


def lose_key(sv, account, minutes=0):
    send_code(sv.session, account, "report_ukey_loss", SECRET, NOW + timedelta(minutes=minutes))
    return report_lost(sv.session, account, last_code(sv), SECRET, NOW + timedelta(minutes=minutes + 1))


def log_in(sv, unit, device, at):
    challenge = new_challenge(unit.code, SECRET, at)
    serial = serial_of(bytes.fromhex(device.public_hex()))
    return login_with_key(sv.session, unit.code, challenge, serial, device.sign(unit.code, challenge), SECRET, at)


def test_reporting_a_lost_ukey_locks_issuing_until_a_finance_registered_key_logs_in(sv, account):
    unit = sv.unit(HOSPITAL)
    old = UKeyDevice.new()
    register_key(sv.session, unit, bytes.fromhex(old.public_hex()), Actor.finance("czt"), NOW - timedelta(days=30))
    log_in(sv, unit, old, NOW)
    assert why_unit_cannot_issue(sv.session, unit, NOW) == []

    assert lose_key(sv, account, minutes=10) == 1
    later = NOW + timedelta(hours=1)
    reasons = why_unit_cannot_issue(sv.session, unit, later)
    assert [r.code for r in reasons] == ["ukey_lost"] and "新 UKey 登录" in reasons[0].remedy
    with pytest.raises(FiscalError) as locked:
        sv.issue(unit, later)
    assert locked.value.code == "issuing_locked"
    with pytest.raises(FiscalError) as lost:
        log_in(sv, unit, old, later)
    assert lost.value.code == "ukey_lost"

    new = UKeyDevice.new()
    register_key(sv.session, unit, bytes.fromhex(new.public_hex()), Actor.finance("czt"), later)
    assert why_unit_cannot_issue(sv.session, unit, later) != [], "registering alone does not lift the lock"
    log_in(sv, unit, new, later + timedelta(minutes=5))
    assert why_unit_cannot_issue(sv.session, unit, later + timedelta(minutes=6)) == []
    assert sv.issue(unit, later + timedelta(minutes=6)).issuer_code == unit.code
    actions = [e.action for e in trail(sv.session, unit.code)]
    assert actions[:4] == ["ukey.login", "ukey.registered", "ukey.reported_lost", "ukey.login"]


def test_a_one_time_enrolment_code_registers_the_new_key_and_its_login_unlocks(sv, account):
    unit = sv.unit(HOSPITAL)
    lose_key(sv, account)
    later = NOW + timedelta(hours=2)
    assert issue_enrolment(sv.session, unit, Actor.finance("czt"), later) == "138****0999"
    code = last_code(sv)
    with pytest.raises(FiscalError) as wrong_code:
        enrol_with_code(sv.session, unit, "AAAA-BBBB-CCCC", bytes.fromhex(UKeyDevice.new().public_hex()), later)
    assert wrong_code.value.code == "enrolment_code_invalid"
    device = UKeyDevice.new()
    key = enrol_with_code(sv.session, unit, code.lower(), bytes.fromhex(device.public_hex()), later)
    assert key.registered_by == f"unit:{unit.code}"
    with pytest.raises(FiscalError) as reused:
        enrol_with_code(sv.session, unit, code, bytes.fromhex(UKeyDevice.new().public_hex()), later)
    assert reused.value.code == "enrolment_code_invalid"
    assert why_unit_cannot_issue(sv.session, unit, later)
    log_in(sv, unit, device, later)
    assert why_unit_cannot_issue(sv.session, unit, later) == []


def test_an_enrolment_code_expires_after_72_hours(sv, account):
    unit = sv.unit(HOSPITAL)
    issue_enrolment(sv.session, unit, Actor.finance("czt"), NOW)
    code = last_code(sv)
    with pytest.raises(FiscalError):
        enrol_with_code(sv.session, unit, code, bytes.fromhex(UKeyDevice.new().public_hex()), NOW + timedelta(hours=72))


def test_a_key_registered_before_the_loss_does_not_lift_it(sv, account):
    unit = sv.unit(HOSPITAL)
    spare = UKeyDevice.new()
    register_key(sv.session, unit, bytes.fromhex(spare.public_hex()), Actor.finance("czt"), NOW)
    lose_key(sv, account, minutes=5)
    with pytest.raises(FiscalError) as lost:
        log_in(sv, unit, spare, NOW + timedelta(minutes=10))
    assert lost.value.code == "ukey_lost", "reporting the loss retires every key the unit held"


def test_a_challenge_answers_once_within_five_minutes_and_only_for_its_unit(sv, account):
    unit = sv.unit(HOSPITAL)
    device = UKeyDevice.new()
    register_key(sv.session, unit, bytes.fromhex(device.public_hex()), Actor.finance("czt"), NOW)
    serial = serial_of(bytes.fromhex(device.public_hex()))
    challenge = new_challenge(unit.code, SECRET, NOW)
    signature = device.sign(unit.code, challenge)
    login_with_key(sv.session, unit.code, challenge, serial, signature, SECRET, NOW + timedelta(minutes=1))
    with pytest.raises(FiscalError) as replay:
        login_with_key(sv.session, unit.code, challenge, serial, signature, SECRET, NOW + timedelta(minutes=2))
    assert replay.value.code == "challenge_used"
    stale = new_challenge(unit.code, SECRET, NOW)
    with pytest.raises(FiscalError) as late:
        login_with_key(
            sv.session, unit.code, stale, serial, device.sign(unit.code, stale), SECRET, NOW + timedelta(minutes=6)
        )
    assert late.value.code == "challenge_expired"
    fresh = new_challenge(unit.code, SECRET, NOW)
    with pytest.raises(FiscalError) as forged:
        login_with_key(sv.session, unit.code, fresh, serial, UKeyDevice.new().sign(unit.code, fresh), SECRET, NOW)
    assert forged.value.code == "ukey_signature_invalid"
    with pytest.raises(FiscalError) as tampered:
        login_with_key(sv.session, unit.code, fresh.rsplit(".", 1)[0] + "." + "0" * 32, serial, signature, SECRET, NOW)
    assert tampered.value.code == "challenge_invalid"
