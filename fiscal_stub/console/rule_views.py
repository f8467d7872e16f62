"""The finance department edits the rule table bills' faces are checked against (监管规则)."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from common.money import yuan
from common.timeutil import to_local
from common.web import render_error
from fiscal_stub.console import bp
from fiscal_stub.console.sessions import finance_session
from fiscal_stub.extensions import db
from fiscal_stub.models import IssuingRule, SupervisionAudit
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.audit import ACTION_NAMES, Actor
from fiscal_stub.supervision.face_rules import FIELDS, KINDS, item_choices
from fiscal_stub.supervision.rule_table import all_rules, bill_type_of, describe, read_edit, rule_title, update_rule

MISSING = "没有这条规则，请从规则表进入。"


def rule_changes(limit: int = 20) -> list[SupervisionAudit]:
    query = (
        select(SupervisionAudit)
        .where(SupervisionAudit.action == "rule.changed")
        .order_by(SupervisionAudit.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


@bp.get("/console/finance/rules")
@finance_session
def finance_rules() -> Any:
    rules = all_rules(db.session)
    groups: dict[str, list[IssuingRule]] = {}
    for rule in rules:
        groups.setdefault(rule.type_key, []).append(rule)
    return render_template(
        "fiscal/finance/rules.html",
        groups=groups,
        types=BY_KEY,
        kinds=KINDS,
        describe=describe,
        changes=rule_changes(),
        action_names=ACTION_NAMES,
        to_local=to_local,
    )


def form_of(rule: IssuingRule) -> dict[str, str]:
    """The edit form as the rule stands now."""
    params = json.loads(rule.params)
    form = {"message": rule.message, "enabled": "on" if rule.enabled else "off", "version": str(rule.version)}
    form |= {f"field_{f}": "on" for f in params.get("fields", [])}
    form |= {f"code_{c}": "on" for c in params.get("codes", [])}
    if rule.kind == "amount_range":
        form |= {"min": yuan(params["min"]), "max": yuan(params["max"])}
    return form


def rule_page(rule: IssuingRule, form: dict[str, str], status: int = 200, **context: Any) -> Any:
    bill_type = bill_type_of(rule)
    context.setdefault("problems", {})
    return render_template(
        "fiscal/finance/rule.html",
        rule=rule,
        title=rule_title(rule),
        kind=KINDS[rule.kind],
        form=form,
        fields=FIELDS,
        choices=item_choices(bill_type) if bill_type is not None else [],
        describe=describe,
        to_local=to_local,
        **context,
    ), status


@bp.get("/console/finance/rules/<int:rule_id>")
@finance_session
def finance_rule(rule_id: int) -> Any:
    rule = db.session.get(IssuingRule, rule_id)
    if rule is None:
        return render_error(404, MISSING)
    return rule_page(rule, form_of(rule))


@bp.post("/console/finance/rules/<int:rule_id>")
@finance_session
def finance_edit_rule(rule_id: int) -> Any:
    rule = db.session.get(IssuingRule, rule_id)
    if rule is None:
        return render_error(404, MISSING)
    form = request.form.to_dict()
    edit, problems = read_edit(rule, form)
    seen = form.get("version", "")
    if edit is None or not (seen.isascii() and seen.isdigit()):
        return rule_page(rule, form, 422, problems=problems, error="规则没有修改：请修改标出的内容。")
    try:
        update_rule(db.session, rule_id, int(seen), edit, Actor.finance(g.officer.username), clock.now())
    except FiscalError as refused:
        fresh = db.session.get(IssuingRule, rule_id)
        if fresh is None:
            return render_error(404, MISSING)
        return rule_page(fresh, form_of(fresh), refused.status, error=refused.message)
    flash(f"已保存“{rule_title(rule)}”，开票时立即按新规则比对。", "success")
    return redirect(url_for("fiscal_console.finance_rules", _anchor=f"rule-{rule_id}"), 303)
