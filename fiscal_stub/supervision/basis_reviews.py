"""PDF bases of bills and their manual review (人工复核): holding a mismatch, the unit sending it to the
finance department, approval (the bill issues then) and refusal (with the reason the unit sees).

Every decision takes the review's row lock first and checks its status, so a review is
submitted, approved or refused once: two officers pressing 通过 issue one bill.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from common.database import DbSession, write_transaction
from common.timeutil import to_local
from fiscal_stub.generator.content import Content
from fiscal_stub.models import IssueBasis, IssuingUnit
from fiscal_stub.models.basis import APPROVED, AWAITING, IN_REVIEW, MATCHED, REFUSED
from fiscal_stub.parsing import has_control
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.minting import Draft, new_check_code
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.basis_match import Finding, compare
from fiscal_stub.supervision.basis_text import extract_text
from fiscal_stub.supervision.issuance import issuer_of, require_face_rules, store_guarded
from fiscal_stub.supervision.pdf_files import MAX_PDF_BYTES, pdf_problem

NOTE_LENGTH = 200
FACE_FIELDS = ("payer_type", "payer_name", "payer_id_number", "total", "items", "remark", "handler", "issue_date")
REASON_LENGTH = (2, 200)


@dataclass(frozen=True)
class BasisFile:
    pdf: bytes
    name: str
    text: str


def read_basis(data: bytes, name: str) -> BasisFile:
    """A checked PDF basis with its text, or the refusal: 413 when too large, 422 when not a readable PDF."""
    problem = pdf_problem(data, what="政策文件、合同等佐证资料的 PDF 文件")
    if problem:
        too_large = len(data) > MAX_PDF_BYTES
        raise FiscalError(413 if too_large else 422, "basis_too_large" if too_large else "invalid_basis", problem)
    clean = "".join(c for c in name if not has_control(c)).strip()[-100:] or "basis.pdf"
    return BasisFile(data, clean, extract_text(data))


def findings_for(basis: BasisFile, draft: Draft) -> list[Finding]:
    items = [row["name"] for row in draft.content.items]
    return compare(basis.text, draft.payer_name, draft.content.total, items, draft.content.remark)


def draft_json(draft: Draft) -> dict[str, Any]:
    """The face asked for, kept so an approval issues exactly it (on the day it is approved)."""
    content = draft.content
    return {
        "type": draft.bill_type.key,
        "province": draft.province,
        "issuer_code": draft.issuer_code,
        "issuer_name": draft.issuer_name,
        "payer_type": draft.payer_type,
        "payer_name": draft.payer_name,
        "payer_id_number": draft.payer_id_number,
        "issue_date": to_local(draft.issued_at).date().isoformat(),
        "total": content.total,
        "items": content.items,
        "medical": content.medical,
        "remark": content.remark,
        "handler": content.handler,
        "serial": content.serial,
        "reviewer": content.reviewer,
    }


def draft_from(face: dict[str, Any], issued_at: datetime) -> Draft:
    content = Content(
        face["total"], face["items"], face["medical"], face["remark"], face["handler"], face["serial"], face["reviewer"]
    )
    return Draft(
        bill_type=BY_KEY[face["type"]],
        province=face["province"],
        issuer_code=face["issuer_code"],
        issuer_name=face["issuer_name"],
        payer_type=face["payer_type"],
        payer_name=face["payer_name"],
        payer_id_number=face["payer_id_number"],
        issued_at=issued_at,
        check=new_check_code(),
        content=content,
    )


def keep(
    session: DbSession,
    unit: IssuingUnit,
    draft: Draft,
    basis: BasisFile,
    findings: list[Finding],
    channel: str,
    now: datetime,
    bill: tuple[str, str] | None = None,
) -> IssueBasis:
    """Add the basis inside the caller's transaction: beside the bill it let issue, or held for confirmation."""
    review = IssueBasis(
        unit_code=unit.code,
        type_key=draft.bill_type.key,
        status=MATCHED if bill else AWAITING,
        face=json.dumps(draft_json(draft), ensure_ascii=False),
        pdf=basis.pdf,
        pdf_name=basis.name,
        pdf_text=basis.text,
        findings=json.dumps([f.as_json() for f in findings], ensure_ascii=False),
        channel=channel,
        created_at=now,
        note="",
        reason="",
        bill_code=bill[0] if bill else None,
        bill_number=bill[1] if bill else None,
    )
    session.add(review)
    if bill is None:
        session.flush()
        missing = "、".join(f.label for f in findings if not f.found)
        detail = f"第 {review.id} 号：{draft.bill_type.name}，交款人 {draft.payer_name}；不一致：{missing}"
        record(session, Actor.unit(unit.code), "basis.held", unit.code, detail, now)
    return review


def mismatch_error(review: IssueBasis) -> FiscalError:
    missing = "、".join(f["label"] for f in json.loads(review.findings) if not f["found"])
    message = (
        f"未开具：上传的佐证资料与票面信息不一致（{missing}）。请核实该项经济业务是否符合票据管理相关政策制度；"
        f"确认无误的，可将第 {review.id} 号申请提交同级财政部门人工复核，复核通过即完成开票。"
    )
    return FiscalError(409, "basis_mismatch", message, {"review": review_json(review)})


def _for_update(session: DbSession, review_id: int, unit_code: str | None) -> IssueBasis:
    write_transaction(session)
    review = session.execute(
        select(IssueBasis).where(IssueBasis.id == review_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if review is None or (unit_code is not None and review.unit_code != unit_code):
        session.rollback()
        raise FiscalError(404, "review_not_found", "没有这份复核申请，请从列表进入。")
    return review


def _require_status(session: DbSession, review: IssueBasis, status: str) -> None:
    if review.status != status:
        session.rollback()
        raise FiscalError(409, "review_state", f"这份申请目前为“{review.status_name}”，不能再执行这项操作。")


def submit(session: DbSession, review_id: int, unit_code: str | None, note: str, now: datetime) -> IssueBasis:
    """The unit confirms the business and sends the held request to the finance department."""
    note = note.strip()
    if len(note) > NOTE_LENGTH or has_control(note):
        raise FiscalError(422, "invalid_note", f"情况说明不能超过{NOTE_LENGTH}个字。")
    review = _for_update(session, review_id, unit_code)
    _require_status(session, review, AWAITING)
    review.status, review.note, review.submitted_at = IN_REVIEW, note, now
    detail = f"第 {review.id} 号" + (f"，说明：{note}" if note else "")
    record(session, Actor.unit(review.unit_code), "basis.submitted", review.unit_code, detail, now)
    session.commit()
    return review


def approve(session: DbSession, review_id: int, officer: Actor, now: datetime) -> IssueBasis:
    """The finance department approves: the held face issues now, if the unit may issue and the face
    still passes the rule table (it may have changed since)."""
    review = _for_update(session, review_id, None)
    _require_status(session, review, IN_REVIEW)
    unit = issuer_of(session, review.unit_code)
    draft = draft_from(json.loads(review.face), now)
    require_face_rules(session, unit, draft, now, has_basis=True)
    code, number = store_guarded(session, draft, now)
    review.status, review.reviewer, review.reviewed_at = APPROVED, officer.id, now
    review.bill_code, review.bill_number = code, number
    record(session, officer, "basis.approved", unit.code, f"第 {review.id} 号，开具票据 {code}-{number}", now)
    session.commit()
    return review


def refuse(session: DbSession, review_id: int, officer: Actor, reason: str, now: datetime) -> IssueBasis:
    reason = reason.strip()
    low, high = REASON_LENGTH
    if not low <= len(reason) <= high or has_control(reason):
        raise FiscalError(422, "reason_required", f"请填写不通过的原因（{low}至{high}个字），单位将看到这段原因。")
    review = _for_update(session, review_id, None)
    _require_status(session, review, IN_REVIEW)
    review.status, review.reviewer, review.reviewed_at, review.reason = REFUSED, officer.id, now, reason
    record(session, officer, "basis.refused", review.unit_code, f"第 {review.id} 号，原因：{reason}", now)
    session.commit()
    return review


def review_of(session: DbSession, review_id: int, unit_code: str | None = None) -> IssueBasis | None:
    review = session.get(IssueBasis, review_id)
    return review if review is not None and (unit_code is None or review.unit_code == unit_code) else None


def basis_of_bill(session: DbSession, code: str, number: str) -> IssueBasis | None:
    query = select(IssueBasis).where(IssueBasis.bill_code == code, IssueBasis.bill_number == number)
    return session.execute(query).scalar_one_or_none()


def reviews_of_unit(session: DbSession, unit_code: str, limit: int = 50) -> list[IssueBasis]:
    """The unit's held and reviewed requests, newest first (automatic matches are not requests)."""
    query = (
        select(IssueBasis)
        .where(IssueBasis.unit_code == unit_code, IssueBasis.status != MATCHED)
        .order_by(IssueBasis.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def review_queue(session: DbSession) -> list[IssueBasis]:
    """What waits for the finance department, oldest first."""
    query = select(IssueBasis).where(IssueBasis.status == IN_REVIEW).order_by(IssueBasis.submitted_at, IssueBasis.id)
    return list(session.execute(query).scalars())


def recent_decisions(session: DbSession, limit: int = 20) -> list[IssueBasis]:
    query = (
        select(IssueBasis)
        .where(IssueBasis.status.in_((APPROVED, REFUSED)))
        .order_by(IssueBasis.reviewed_at.desc(), IssueBasis.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def _moment(value: datetime | None) -> str | None:
    return to_local(value).isoformat(timespec="seconds") if value is not None else None


def review_json(review: IssueBasis) -> dict[str, Any]:
    face = json.loads(review.face)
    return {
        "id": review.id,
        "unit_code": review.unit_code,
        "type": review.type_key,
        "status": review.status,
        "status_name": review.status_name,
        "face": {k: face[k] for k in FACE_FIELDS},
        "findings": json.loads(review.findings),
        "basis_name": review.pdf_name,
        "created_at": _moment(review.created_at),
        "note": review.note,
        "submitted_at": _moment(review.submitted_at),
        "reviewer": review.reviewer,
        "reviewed_at": _moment(review.reviewed_at),
        "reason": review.reason,
        "bill": {"code": review.bill_code, "number": review.bill_number} if review.bill_code else None,
    }
