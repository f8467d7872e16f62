"""到期即锁定: a unit's certificate expiring locks its issuing that day; a renewed one unlocks; reminders before."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete

from common.database import write_transaction
from fiscal_stub.models import UnitCertificate
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision.audit import Actor, trail
from fiscal_stub.supervision.certificates import (
    KINDS,
    best_certificate,
    certificates_of,
    kind_mismatch,
    read_certificate,
    record_certificate,
    reminder_stage,
    required_kind,
)
from fiscal_stub.supervision.demo import blank_pdf
from fiscal_stub.supervision.guard import why_unit_cannot_issue
from tests.fiscal_stub.supervision.conftest import CHARITY, COURT, HOSPITAL, beijing, write_off

EXPIRES = date(2026, 4, 1)


def renewal(unit, **changes) -> dict[str, str]:
    return {
        "kind": required_kind(unit.code).key,
        "credit_code": unit.code,
        "number": "事证第115000001234号",
        "valid_from": "2026-03-20",
        "expires_on": "2031-03-31",
        **changes,
    }


def test_certificate_expiring_locks_issuing_that_day_not_the_day_before(sv):
    hospital = sv.unit(HOSPITAL)
    sv.only_certificate(hospital, date(2021, 4, 1), EXPIRES)
    assert why_unit_cannot_issue(sv.session, hospital, beijing(2026, 3, 31, 23, 59)) == []
    bill = sv.issue(hospital, beijing(2026, 3, 31, 23, 59))
    assert bill.issuer_code == hospital.code
    write_off(sv, hospital, date(2026, 3, 1), beijing(2026, 4, 1, 0, 0))  # March written off: only the expiry holds

    reasons = why_unit_cannot_issue(sv.session, hospital, beijing(2026, 4, 1, 0, 0))
    assert [r.code for r in reasons] == ["certificate_expired"]
    assert "2026年4月1日到期" in reasons[0].message and "上传换发后的新证书" in reasons[0].remedy
    before = sv.bill_count()
    with pytest.raises(FiscalError) as refused:
        sv.issue(hospital, beijing(2026, 4, 1, 8, 30))
    assert refused.value.status == 403 and refused.value.code == "issuing_locked"
    assert "到期即锁定" in refused.value.message
    assert sv.bill_count() == before


def test_uploading_a_renewed_certificate_unlocks_issuing(sv):
    hospital = sv.unit(HOSPITAL)
    sv.only_certificate(hospital, date(2021, 4, 1), EXPIRES)
    now = beijing(2026, 4, 2)
    assert why_unit_cannot_issue(sv.session, hospital, now)
    given, problems = read_certificate(hospital, renewal(hospital), blank_pdf(), "新证书.pdf", now.date())
    assert problems == {} and given is not None
    record_certificate(sv.session, hospital, given, Actor.unit(hospital.code), now)
    assert why_unit_cannot_issue(sv.session, hospital, now) == []
    assert sv.issue(hospital, now).issuer_code == hospital.code
    entry = trail(sv.session, hospital.code)[0]
    assert (entry.action, entry.actor_kind, entry.actor) == ("certificate.recorded", "unit", hospital.code)


def test_a_unit_without_a_certificate_on_record_cannot_issue(sv):
    charity = sv.unit(CHARITY)
    write_transaction(sv.session)
    sv.session.execute(delete(UnitCertificate).where(UnitCertificate.unit_code == charity.code))
    sv.session.commit()
    reasons = why_unit_cannot_issue(sv.session, charity, beijing(2026, 3, 10))
    assert [r.code for r in reasons] == ["certificate_missing"]
    assert "社会团体法人登记证" in reasons[0].remedy


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (date(2026, 3, 1), None),  # 31 days before
        (date(2026, 3, 2), 30),  # 30 days before
        (date(2026, 3, 24), 30),  # 8 days before
        (date(2026, 3, 25), 7),  # 7 days before
        (date(2026, 3, 31), 7),  # the last day it is in force
        (date(2026, 4, 1), 0),  # expired: locked
    ],
)
def test_reminders_thirty_and_seven_days_before_expiry(sv, today, stage):
    hospital = sv.unit(HOSPITAL)
    sv.only_certificate(hospital, date(2021, 4, 1), EXPIRES)
    assert reminder_stage(best_certificate(certificates_of(sv.session, hospital.code), today), today) == stage


def test_a_renewed_certificate_ends_the_reminder(sv):
    hospital = sv.unit(HOSPITAL)
    sv.only_certificate(hospital, date(2021, 4, 1), EXPIRES)
    today = date(2026, 3, 25)
    given, _ = read_certificate(hospital, renewal(hospital, valid_from="2026-03-20"), blank_pdf(), "n.pdf", today)
    assert given is not None
    record_certificate(sv.session, hospital, given, Actor.unit(hospital.code), beijing(2026, 3, 25))
    assert reminder_stage(best_certificate(certificates_of(sv.session, hospital.code), today), today) is None


def test_credit_code_checksum_and_the_kind_digits_are_checked(sv):
    hospital, court, charity = sv.unit(HOSPITAL), sv.unit(COURT), sv.unit(CHARITY)
    today = date(2026, 3, 25)
    bad_check = hospital.code[:17] + ("0" if hospital.code[17] != "0" else "1")
    _, problems = read_certificate(hospital, renewal(hospital, credit_code=bad_check), blank_pdf(), "a.pdf", today)
    assert "校验位不正确" in problems["credit_code"]
    _, problems = read_certificate(hospital, renewal(hospital, credit_code=court.code), blank_pdf(), "a.pdf", today)
    assert "与本单位的代码" in problems["credit_code"]
    _, problems = read_certificate(hospital, renewal(hospital, kind="uscc"), blank_pdf(), "a.pdf", today)
    assert "应上传《事业单位法人登记证》" in problems["credit_code"]
    _, problems = read_certificate(court, renewal(court, kind="public_institution"), blank_pdf(), "a.pdf", today)
    assert "机关" in problems["credit_code"] and "《统一社会信用代码证书》" in problems["credit_code"]
    given, problems = read_certificate(charity, renewal(charity), blank_pdf(), "a.pdf", today)
    assert problems == {} and given is not None and given.kind.name == "社会团体法人登记证"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in charity.code)
    given, problems = read_certificate(charity, renewal(charity, credit_code=full_width), blank_pdf(), "a.pdf", today)
    assert problems == {} and given is not None and given.credit_code == charity.code


@pytest.mark.parametrize(
    ("prefix", "kind", "refused"),
    [
        ("12", "public_institution", False),
        ("12", "uscc", True),
        ("51", "social_organisation", False),
        ("51", "public_institution", True),
        ("11", "uscc", False),
        ("91", "uscc", False),
        ("11", "social_organisation", True),
    ],
)
def test_kind_digits_decide_the_certificate(prefix, kind, refused):
    assert (kind_mismatch(prefix + "0" * 16, KINDS[kind]) is not None) == refused


def test_dates_and_the_file_are_checked_before_anything_is_kept(sv):
    hospital = sv.unit(HOSPITAL)
    today = date(2026, 3, 25)
    _, problems = read_certificate(
        hospital,
        renewal(hospital, valid_from="2026-04-01", expires_on="2026-03-25"),
        b"%PDF-1.7 not really",
        "a.pdf",
        today,
    )
    assert "尚未生效" in problems["valid_from"] and "已到期" in problems["expires_on"]
    assert "损坏" in problems["file"]
    _, problems = read_certificate(hospital, renewal(hospital, expires_on="明年"), b"GIF89a", "a.gif", today)
    assert "有效期至" in problems["expires_on"] and "不是 PDF" in problems["file"]
    _, problems = read_certificate(hospital, renewal(hospital), b"%PDF-" + b"0" * (5 * 1024 * 1024), "a.pdf", today)
    assert "不能超过 5 兆" in problems["file"]
    _, problems = read_certificate(hospital, renewal(hospital), b"", "", today)
    assert "请选择" in problems["file"]
