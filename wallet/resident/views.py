"""Resident pages. Each renders the full page; htmx requests get the same template's partial."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user

from wallet.offline_copies import offline_copy
from wallet.resident import bp
from wallet.resident.bills import render_bill_list


@bp.get("/")
@offline_copy
def home() -> Response | str:
    """The bill list for a resident, the welcome page for everyone else."""
    if current_user.is_authenticated:
        return render_bill_list()
    return render_template("wallet/resident/home.html", active_tab="bills")


@bp.get("/authorizations")
def authorizations() -> str:
    return render_template("wallet/resident/authorizations.html", active_tab="authorize")


@bp.get("/me")
def me() -> str:
    return render_template("wallet/resident/me.html", active_tab="me")
