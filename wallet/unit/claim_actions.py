"""What a unit does to a claim — lock, unlock, feedback, reject — and the words each outcome gets.

Every claim, whichever way it reached the unit, goes through the same service functions and
policy; only a few sentences depend on whether a resident stands behind the claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import flash, redirect, request, url_for

from common.money import AmountRefused, fen_from_yuan, yuan_display
from common.timeutil import SHANGHAI, to_local, utcnow
from common.web import refusal_page
from wallet import policy
from wallet.extensions import db
from wallet.models.claim import Claim
from wallet.refusals import Refusal
from wallet.services.reimbursement import Feedback, lock_claim, record_feedback, reject_claim, unlock_claim
from wallet.unit.access import current_unit_user

AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/.]{0,63}$")
CLOCK_SKEW = timedelta(minutes=5)


def parse_feedback(form: Mapping[str, str]) -> tuple[Feedback | None, dict[str, str]]:
    """The feedback a unit typed, or a message per wrong field (amount in yuan, time in Beijing time)."""
    errors: dict[str, str] = {}
    raw_amount = (form.get("amount") or "").strip().replace(",", "")
    amount = 0
    if not AMOUNT.match(raw_amount):
        errors["amount"] = "报销金额应为数字，最多两位小数，如 1280.50。"
    else:
        try:
            amount = fen_from_yuan(raw_amount)
        except AmountRefused as refused:
            errors["amount"] = refused.message
    serial = (form.get("serial") or "").strip()
    voucher = (form.get("voucher") or "").strip()
    if not REFERENCE.match(serial):
        errors["serial"] = "请填写业务流水号（1–64 位字母、数字或 - _ / .）。"
    if not REFERENCE.match(voucher):
        errors["voucher"] = "请填写记账凭证号（1–64 位字母、数字或 - _ / .）。"
    when = None
    try:
        when = datetime.strptime((form.get("time") or "").strip(), "%Y-%m-%dT%H:%M").replace(tzinfo=SHANGHAI)
    except ValueError:
        errors["time"] = "请填写报销时间，如 2026-03-06 09:30。"
    if when is not None and when > utcnow() + CLOCK_SKEW:
        errors["time"] = "报销时间不能晚于现在，请核对。"
    if errors or when is None:
        return None, errors
    return Feedback(amount=amount, serial=serial, voucher=voucher, time=when), {}


UNLOCKED = {
    "account": "已解除锁定，授权仍有效；居民在本单位重新锁定前可以撤销授权。",
    "file": "已解除锁定，票据仍在本单位待办中，可重新锁定后办理。",
}
REASON_ERROR = "请填写拒绝原因（2–200 个字）{}。"


@dataclass(frozen=True)
class ClaimPages:
    show: Callable[..., Any]  # the claim's page: (claim id, status, **context)

    def back(self, claim_id: int) -> Any:
        return redirect(url_for("unit.claim", claim_id=claim_id), code=303)

    def choices(self, claim: Any, remaining: int) -> dict[str, bool]:
        """Which actions the page offers, decided by the same policy the services enforce."""
        actor = policy.UnitActor(current_unit_user().unit)
        return {
            action: bool(policy.decide(actor, action, authorization=claim, amount=remaining))
            for action in ("lock", "unlock", "feedback", "reject")
        }

    def lock(self, claim_id: int) -> Any:
        try:
            claim = lock_claim(current_unit_user(), claim_id)
        except Refusal as refused:
            return self.refused(claim_id, refused)
        until = to_local(claim.lock_expires_at).strftime("%Y-%m-%d %H:%M") if claim.lock_expires_at else "—"
        flash(f"已锁定，锁定期至 {until}。请在锁定期内登记报销结果。", "success")
        return self.back(claim_id)

    def unlock(self, claim_id: int) -> Any:
        try:
            claim = unlock_claim(current_unit_user(), claim_id)
        except Refusal as refused:
            return self.refused(claim_id, refused)
        flash(UNLOCKED[claim.source], "success")
        return self.back(claim_id)

    def feedback(self, claim_id: int) -> Any:
        parsed, errors = parse_feedback(request.form)
        if parsed is None:
            return self.show(claim_id, 422, form=request.form, errors=errors)
        try:
            claim, replayed = record_feedback(current_unit_user(), claim_id, parsed)
        except Refusal as refused:
            return self.refused(claim_id, refused, form=request.form)
        note = "（该流水号此前已登记，未重复报销）" if replayed else ""
        flash(f"报销结果已登记：报销 {yuan_display(claim.amount)}{note}。", "success")
        return self.back(claim_id)

    def reject(self, claim_id: int) -> Any:
        reason = " ".join((request.form.get("reason") or "").split())
        if not 2 <= len(reason) <= 200:
            claim = db.session.get(Claim, claim_id)
            told = claim is not None and claim.for_resident
            return self.show(claim_id, 422, errors={"reason": REASON_ERROR.format("，居民将看到它" if told else "")})
        try:
            reject_claim(current_unit_user(), claim_id, reason)
        except Refusal as refused:
            return self.refused(claim_id, refused)
        flash("已拒绝报销，票据已释放。", "success")
        return self.back(claim_id)

    def refused(self, claim_id: int, refused: Refusal, **context: Any) -> Any:
        if refused.status in (403, 404):
            return refusal_page(refused)
        return self.show(claim_id, refused.status, error=refused.message, **context)
