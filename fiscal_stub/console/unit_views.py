"""The issuing unit's own console: its locks and why, certificates, batches and UKeys.

The bill administrator signs in with the unit's code and password. Every change is a POST
form with CSRF; success redirects (303), a refusal re-renders the page with its 4xx.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, flash, g, redirect, render_template, request, session, url_for

from common.identifiers import fold_or_none, positive_int
from common.timeutil import to_local
from common.web import render_error
from fiscal_stub.console import bp
from fiscal_stub.console.sessions import UNIT, next_inside, sign_in, unit_session
from fiscal_stub.extensions import db
from fiscal_stub.generator.units import types_issued_by
from fiscal_stub.models import UnitCertificate
from fiscal_stub.models.accounts import INTERFACE
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.accounts import unit_login as check_unit_login
from fiscal_stub.supervision.audit import ACTION_NAMES, Actor
from fiscal_stub.supervision.batches import apply_for_batch, batch_allowance
from fiscal_stub.supervision.certificates import KINDS, day_text, read_certificate, record_certificate
from fiscal_stub.supervision.overview import unit_detail
from fiscal_stub.supervision.pdf_files import MAX_PDF_BYTES
from fiscal_stub.supervision.ukeys import enrol_with_code, login_with_key, new_challenge, public_key_of


def unit_code_typed(value: str) -> str:
    return (fold_or_none(value) or "").upper()


@bp.route("/console/unit/login", methods=["GET", "POST"])
def unit_login() -> Any:
    error, code = "", ""
    if request.method == "POST":
        code = unit_code_typed(request.form.get("unit_code", ""))
        account = check_unit_login(db.session, code, request.form.get("password", ""))
        if account is not None:
            sign_in(UNIT, account.unit_code)
            return redirect(next_inside("/console/unit/", url_for("fiscal_console.unit_home")), 303)
        error = "单位代码或密码不正确，请核对后重新输入；忘记密码可通过短信验证重置。"
    return render_template("fiscal/unit/login.html", error=error, unit_code=code), 401 if error else 200


@bp.post("/console/unit/logout")
def unit_logout() -> Any:
    session.pop(UNIT, None)
    return redirect(url_for("fiscal_console.unit_login"), 303)


def unit_page(status: int = 200, **context: Any) -> Any:
    """The unit's console page: every panel, with what a refused form sent back."""
    now = clock.now()
    detail = unit_detail(db.session, g.unit, now)
    types = [BY_KEY[key] for key in types_issued_by(g.unit.category)]
    allowances: dict[str, int] = {}
    if detail.state.mode == INTERFACE:
        year = detail.state.today.year
        for t in types:
            allowances[t.key] = batch_allowance(db.session, g.unit.code, t, t.code_for(g.unit.province, year), now)
    context.setdefault("form", {})
    context.setdefault("problems", {})
    return render_template(
        "fiscal/unit/home.html",
        detail=detail,
        state=detail.state,
        kinds=list(KINDS.values()),
        kinds_by_key=KINDS,
        pdf_max_bytes=MAX_PDF_BYTES,
        to_local=to_local,
        types=types,
        allowances=allowances,
        challenge=new_challenge(g.unit.code, current_app.config["SECRET_KEY"], now),
        action_names=ACTION_NAMES,
        **context,
    ), status


@bp.get("/console/unit/")
@unit_session
def unit_home() -> Any:
    return unit_page()


@bp.post("/console/unit/certificates")
@unit_session
def upload_certificate() -> Any:
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    fields = request.form.to_dict()
    now = clock.now()
    given, problems = read_certificate(
        g.unit, fields, data, (upload.filename or "") if upload else "", clock.local_day(now)
    )
    if given is None:
        return unit_page(422, form=fields, problems=problems, error="证书没有保存：请修改标出的内容后重新上传。")
    was_locked = bool(unit_detail(db.session, g.unit, now).state.issue_reasons)
    record_certificate(db.session, g.unit, given, Actor.unit(g.unit.code), now)
    still = unit_detail(db.session, g.unit, now).state.issue_reasons
    message = f"已保存《{given.kind.name}》，有效期至{day_text(given.expires_on)}。"
    if was_locked and not any(r.code.startswith("certificate_") for r in still):
        message += "证书到期锁定已解除。" if not still else "证书锁定已解除，但仍有其他锁定，见上方说明。"
    flash(message, "success")
    return redirect(url_for("fiscal_console.unit_home"), 303)


@bp.get("/console/unit/certificates/<int:certificate_id>.pdf")
@unit_session
def unit_certificate_pdf(certificate_id: int) -> Any:
    return certificate_file(certificate_id, g.unit.code)


def certificate_file(certificate_id: int, unit_code: str | None) -> Any:
    """A certificate's PDF, to its own unit or (``unit_code`` None) to the finance department."""
    certificate = db.session.get(UnitCertificate, certificate_id)
    if certificate is None or certificate.pdf is None or (unit_code and certificate.unit_code != unit_code):
        return render_error(404, "没有找到这份证书的 PDF 文件。")
    return Response(
        certificate.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{certificate.id}.pdf"'},
    )


@bp.post("/console/unit/batches")
@unit_session
def apply_batch() -> Any:
    fields = request.form.to_dict()
    count = positive_int(fold_or_none(fields.get("count", "")), 1_000_000)
    if count is None:
        problems = {"count": "请填写申领数量（1 至 1000000 的整数）。"}
        return unit_page(422, form=fields, problems=problems, error="没有申领：请修改标出的内容。")
    try:
        batch = apply_for_batch(db.session, g.unit, fields.get("type", ""), count, Actor.unit(g.unit.code), clock.now())
    except FiscalError as refused:
        return unit_page(refused.status, form=fields, error=refused.message)
    flash(
        f"申领已自动审核发放：票据代码 {batch.code}，号码 {batch.first_number:010d}–{batch.last_number:010d}，"
        f"共 {batch.count} 份。",
        "success",
    )
    return redirect(url_for("fiscal_console.unit_home"), 303)


@bp.post("/console/unit/ukey/login")
@unit_session
def ukey_login() -> Any:
    fields = request.form.to_dict()
    try:
        key = login_with_key(
            db.session,
            g.unit.code,
            fields.get("challenge", ""),
            fields.get("serial", ""),
            fields.get("signature", ""),
            current_app.config["SECRET_KEY"],
            clock.now(),
        )
    except FiscalError as refused:
        return unit_page(refused.status, form=fields, error=refused.message)
    flash(f"已使用 UKey {key.serial} 登录。", "success")
    return redirect(url_for("fiscal_console.unit_home"), 303)


@bp.post("/console/unit/ukey/enrol")
@unit_session
def ukey_enrol() -> Any:
    fields = request.form.to_dict()
    try:
        public_raw = public_key_of(fields.get("public_key", ""))
    except ValueError as bad:
        return unit_page(422, form=fields, problems={"public_key": str(bad)}, error="UKey 没有登记。")
    try:
        key = enrol_with_code(db.session, g.unit, fields.get("enrolment_code", ""), public_raw, clock.now())
    except FiscalError as refused:
        return unit_page(refused.status, form=fields, error=refused.message)
    flash(f"新 UKey {key.serial} 已登记；请用它签名登录，登录后挂失锁定即解除。", "success")
    return redirect(url_for("fiscal_console.unit_home"), 303)
