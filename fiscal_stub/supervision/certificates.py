"""Unit qualification (主体资质): the certificate a unit holds by its kind, and 到期即锁定.

A unit's credit code says what kind of body it is (GB 32100 positions 1–2: 12 a public
institution registered by the staffing office, 51 a social organisation registered by civil
affairs, …), and the kind decides which certificate it records. A certificate is in force
from ``valid_from`` until the day before ``expires_on``: on ``expires_on`` itself the unit's
issuing is locked, until a renewed certificate is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from common.checksums import credit_code_problem
from common.database import DbSession, write_transaction
from common.identifiers import fold_or_none
from common.timeutil import to_local
from fiscal_stub.models import IssuingUnit, UnitCertificate
from fiscal_stub.parsing import has_control
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.pdf_files import pdf_problem
from fiscal_stub.supervision.reasons import Reason, UnitContext

REMINDER_DAYS = (30, 7)
LONGEST_VALIDITY_YEARS = 30


@dataclass(frozen=True)
class CertificateKind:
    key: str
    name: str
    holder: str  # the kind of body that holds it, as the credit code tells it


USCC = CertificateKind("uscc", "统一社会信用代码证书", "机关及其他单位")
PUBLIC_INSTITUTION = CertificateKind("public_institution", "事业单位法人登记证", "事业单位")
SOCIAL_ORGANISATION = CertificateKind("social_organisation", "社会团体法人登记证", "社会团体")
KINDS = {k.key: k for k in (USCC, PUBLIC_INSTITUTION, SOCIAL_ORGANISATION)}
# Credit code positions 1–2 whose body records a certificate of its own registration authority.
KIND_BY_PREFIX = {"12": PUBLIC_INSTITUTION, "51": SOCIAL_ORGANISATION}
PREFIX_NAMES = {
    "11": "机关（机构编制部门登记）",
    "12": "事业单位（机构编制部门登记）",
    "19": "其他机构（机构编制部门登记）",
    "51": "社会团体（民政部门登记）",
    "52": "民办非企业单位（民政部门登记）",
    "53": "基金会（民政部门登记）",
    "91": "企业（市场监管部门登记）",
}


def day_text(day: date) -> str:
    """A date as a sentence says it (2026年4月1日): it wraps with the text, never in the middle of a number."""
    return f"{day.year}年{day.month}月{day.day}日"


def required_kind(credit_code: str) -> CertificateKind:
    """The certificate a body with this credit code records (the 统一社会信用代码证书 unless its kind has its own)."""
    return KIND_BY_PREFIX.get(credit_code[:2], USCC)


def kind_mismatch(credit_code: str, kind: CertificateKind) -> str | None:
    """Why a certificate of ``kind`` cannot carry this code, from the code's registration-authority and kind digits."""
    needed = required_kind(credit_code)
    if needed == kind:
        return None
    body = PREFIX_NAMES.get(credit_code[:2], f"第1至2位为{credit_code[:2]}的单位")
    return f"统一社会信用代码前两位 {credit_code[:2]} 表示{body}，应上传《{needed.name}》，不是《{kind.name}》。"


@dataclass(frozen=True)
class CertificateInput:
    kind: CertificateKind
    credit_code: str
    number: str
    valid_from: date
    expires_on: date
    pdf: bytes
    pdf_name: str


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def read_certificate(
    unit: IssuingUnit, fields: dict[str, str], pdf: bytes, pdf_name: str, today: date
) -> tuple[CertificateInput | None, dict[str, str]]:
    """The certificate as typed and uploaded, or every problem found, field by field (in Chinese)."""
    problems: dict[str, str] = {}
    kind = KINDS.get(fields.get("kind", ""))
    if kind is None:
        problems["kind"] = "请选择证书类型。"
    code = (fold_or_none(fields.get("credit_code", "")) or "").upper()
    code_problem = credit_code_problem(code) if code else "请填写证书上的统一社会信用代码。"
    if code_problem is None and code != unit.code:
        code_problem = f"证书上的统一社会信用代码与本单位的代码 {unit.code} 不一致，请上传本单位的证书。"
    if code_problem is None and kind is not None:
        code_problem = kind_mismatch(code, kind)
    if code_problem:
        problems["credit_code"] = code_problem
    number = fields.get("number", "").strip()
    if not 2 <= len(number) <= 40 or has_control(number):
        problems["number"] = "请填写证书编号（2至40个字）。"
    valid_from, expires_on = _day(fields.get("valid_from", "")), _day(fields.get("expires_on", ""))
    if valid_from is None:
        problems["valid_from"] = "请填写发证（生效）日期，如 2026-03-01。"
    elif valid_from > today:
        problems["valid_from"] = "证书尚未生效，请在生效日之后上传。"
    if expires_on is None:
        problems["expires_on"] = "请填写有效期至（到期日），如 2031-02-28。"
    elif expires_on <= today:
        problems["expires_on"] = "该证书已到期，请上传换发后的新证书。"
    elif valid_from is not None and expires_on.year - valid_from.year > LONGEST_VALIDITY_YEARS:
        problems["expires_on"] = f"有效期不能超过{LONGEST_VALIDITY_YEARS}年，请核对到期日。"
    if valid_from is not None and expires_on is not None and valid_from >= expires_on and "expires_on" not in problems:
        problems["expires_on"] = "到期日应晚于发证日期。"
    file_problem = pdf_problem(pdf)
    if file_problem:
        problems["file"] = file_problem
    if problems or kind is None or valid_from is None or expires_on is None:
        return None, problems
    name = "".join(c for c in pdf_name if not has_control(c)).strip()[-100:] or "certificate.pdf"
    return CertificateInput(kind, code, number, valid_from, expires_on, pdf, name), problems


def record_certificate(
    session: DbSession, unit: IssuingUnit, given: CertificateInput, actor: Actor, now: datetime
) -> UnitCertificate:
    """Keep a checked certificate; from now on it is what the expiry rule reads."""
    write_transaction(session)
    certificate = UnitCertificate(
        unit_code=unit.code,
        kind=given.kind.key,
        credit_code=given.credit_code,
        number=given.number,
        valid_from=given.valid_from,
        expires_on=given.expires_on,
        pdf=given.pdf,
        pdf_name=given.pdf_name,
        source="upload",
        recorded_at=now,
        recorded_by=actor.id,
    )
    session.add(certificate)
    valid = f"{day_text(given.valid_from)}至{day_text(given.expires_on)}"
    detail = f"《{given.kind.name}》编号 {given.number}，有效期{valid}"
    record(session, actor, "certificate.recorded", unit.code, detail, now)
    session.commit()
    return certificate


def certificates_of(session: DbSession, unit_code: str) -> list[UnitCertificate]:
    """Newest first (the order they were recorded)."""
    query = select(UnitCertificate).where(UnitCertificate.unit_code == unit_code).order_by(UnitCertificate.id.desc())
    return list(session.execute(query).scalars())


def in_force(certificate: UnitCertificate, today: date) -> bool:
    return certificate.valid_from <= today < certificate.expires_on


def best_certificate(certificates: list[UnitCertificate], today: date) -> UnitCertificate | None:
    """The certificate in force that runs longest, else the one that expired last (to say which)."""
    current = [c for c in certificates if in_force(c, today)]
    pool = current or certificates
    return max(pool, key=lambda c: (c.expires_on, c.id)) if pool else None


def lock_reason(ctx: UnitContext) -> Reason | None:
    """到期即锁定: no certificate in force today locks issuing (a rule of the issuing guard)."""
    best = best_certificate(certificates_of(ctx.session, ctx.unit.code), ctx.today)
    needed = required_kind(ctx.unit.code)
    if best is not None and in_force(best, ctx.today):
        return None
    if best is None:
        return Reason(
            "certificate_missing",
            "本单位尚未登记单位资质证书，开票功能已锁定。",
            f"请在单位控制台上传《{needed.name}》的 PDF 扫描件，核验通过后即可开票。",
        )
    kind = KINDS[best.kind].name
    if best.expires_on <= ctx.today:
        return Reason(
            "certificate_expired",
            f"本单位《{kind}》已于{day_text(best.expires_on)}到期，开票功能已按“到期即锁定”锁定。",
            "请在单位控制台上传换发后的新证书（PDF），核验通过后立即解除锁定。",
        )
    return Reason(
        "certificate_not_in_force",
        f"本单位《{kind}》自{day_text(best.valid_from)}起生效，目前没有有效的资质证书，开票功能已锁定。",
        "请上传目前有效的证书，或待新证书生效后再开票。",
    )


def reminder_stage(certificate: UnitCertificate | None, today: date) -> int | None:
    """Which reminder is due: 30 or 7 (days before expiry), 0 once expired, None when none is."""
    if certificate is None:
        return None
    days_left = (certificate.expires_on - today).days
    if days_left <= 0:
        return 0
    for days in sorted(REMINDER_DAYS):
        if days_left <= days:
            return days
    return None


def days_left(certificate: UnitCertificate, today: date) -> int:
    return (certificate.expires_on - today).days


def migrated_rows(units: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Certificates the finance department held on record before supervision began, one per supervised unit.

    They carry no PDF, run five years from the day the network is set up, and make a new
    network's units able to issue; each unit uploads its own when it renews.
    """
    today = to_local(now).date()
    return [
        {
            "unit_code": unit["code"],
            "kind": required_kind(unit["code"]).key,
            "credit_code": unit["code"],
            "number": "财政部门历史登记",
            "valid_from": date(2021, 1, 1),
            "expires_on": date(today.year + 5, today.month, 1),
            "pdf": None,
            "pdf_name": "",
            "source": "migrated",
            "recorded_at": now,
            "recorded_by": "system",
        }
        for unit in units
    ]
