"""The unit account application (单位数字账户申请): a public form the finance department reviews."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, session, url_for

from wallet.models.unit import UNIT_TYPES
from wallet.refusals import Refusal
from wallet.services.unit_accounts import submit_application
from wallet.services.unit_forms import UnitApplication
from wallet.unit import bp


@bp.route("/apply", methods=["GET", "POST"])
def apply() -> Any:
    if request.method == "GET":
        return render_template("wallet/unit/apply.html", form={}, errors={}, unit_types=UNIT_TYPES)
    application, errors = UnitApplication.from_form(request.form)
    if not errors:
        try:
            unit = submit_application(application)
        except Refusal as refused:
            errors = refused.fields
        else:
            session["unit_applied"] = {"name": unit.name, "email": unit.email}
            return redirect(url_for("unit.applied"), code=303)
    return render_template("wallet/unit/apply.html", form=application, errors=errors, unit_types=UNIT_TYPES), 422


@bp.get("/apply/submitted")
def applied() -> Any:
    return render_template("wallet/unit/applied.html", applied=session.get("unit_applied"))
