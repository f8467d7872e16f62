"""Freezing and cancelling a unit account ask first, on a page of their own.

The page says what the decision does and, for a cancellation, counts what it releases
(:func:`wallet.services.unit_closure.consequences`); its form posts to the one decision
endpoint with ``confirmed=yes``. A post without it — an old page, a hand-made form — is
sent here first, so neither decision is ever one tap away.
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from common.web import render_error
from wallet.extensions import db
from wallet.finance import bp
from wallet.finance.admin import admin_required
from wallet.models.unit import Unit
from wallet.services import unit_accounts, unit_closure

CONFIRMED = ("freeze", "cancel")


@bp.get("/units/<int(max=2147483647):unit_id>/<action>/confirm")
@admin_required
def confirm_decision(unit_id: int, action: str) -> Any:
    unit = db.session.get(Unit, unit_id)
    if action not in CONFIRMED or unit is None:
        return render_error(404, "没有找到该单位或该操作。")
    allowed_from, _ = unit_accounts.TRANSITIONS[action]
    if unit.state not in allowed_from:
        return render_error(409, f"该单位当前状态为“{unit.state_name}”，不能进行此操作。", title="不能进行此操作")
    return render_template(
        "wallet/finance/confirm.html", unit=unit, action=action, counts=unit_closure.consequences(unit.id)
    )
