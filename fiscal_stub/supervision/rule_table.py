"""The rule table as data: the defaults a network starts with, checking a face against it, editing a rule.

Only enabled rows apply. An edit is validated first (nothing changes on bad input), then
made under the row's lock and only over the version the officer saw, and audited with
the old and new values in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select

from common.database import DbSession, write_transaction
from fiscal_stub.models import IssuingRule
from fiscal_stub.models.rules import ALL_TYPES
from fiscal_stub.parsing import has_control
from fiscal_stub.reference.bill_types import BY_KEY, BillType
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.face_rules import KIND_ORDER, KINDS, Face, Problems, default_rules

MESSAGE_LENGTH = (4, 200)


@dataclass(frozen=True)
class Breach:
    """One rule a face breaks: the rule's own message and what exactly broke it."""

    rule_id: int
    kind: str
    message: str
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"rule": self.rule_id, "kind": self.kind, "message": self.message, "detail": self.detail}

    @property
    def said(self) -> str:
        return f"{self.message}（{self.detail.rstrip('。')}）" if self.detail else self.message


def default_rows(now: datetime) -> list[dict[str, object]]:
    return [{**row, "version": 1, "updated_at": now, "updated_by": "system"} for row in default_rules()]


def ensure_default_rules(session: DbSession, now: datetime) -> int:
    """Load the default table when it is empty (a new network, or one set up before the table existed)."""
    write_transaction(session)
    if session.execute(select(func.count()).select_from(IssuingRule)).scalar_one():
        session.rollback()
        return 0
    rows = default_rows(now)
    session.execute(insert(IssuingRule), rows)
    session.commit()
    return len(rows)


def params_of(rule: IssuingRule) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(rule.params)
    return loaded


def bill_type_of(rule: IssuingRule) -> BillType | None:
    return BY_KEY.get(rule.type_key)


def sort_key(rule: IssuingRule) -> tuple[int, int, int]:
    """Rules for every type first, then by the order bill types are listed, then by kind."""
    types = list(BY_KEY)
    type_index = types.index(rule.type_key) + 1 if rule.type_key in BY_KEY else 0
    return type_index, KIND_ORDER.index(rule.kind), rule.id


def all_rules(session: DbSession) -> list[IssuingRule]:
    return sorted(session.execute(select(IssuingRule)).scalars(), key=sort_key)


def breaches(session: DbSession, face: Face) -> list[Breach]:
    """Every enabled rule for this face's type (or for all types) that the face breaks, in table order."""
    rows = session.execute(
        select(IssuingRule).where(IssuingRule.enabled.is_(True), IssuingRule.type_key.in_((ALL_TYPES, face.type_key)))
    ).scalars()
    found = []
    for rule in sorted(rows, key=sort_key):
        kind = KINDS.get(rule.kind)
        detail = kind.check(face, json.loads(rule.params)) if kind is not None else None
        if detail is not None:
            found.append(Breach(rule.id, rule.kind, rule.message, detail))
    return found


def breach_error(found: list[Breach]) -> FiscalError:
    """The refusal every channel gives for a face that breaks the table: 422, each rule's message."""
    said = "；".join(b.said for b in found)
    return FiscalError(422, "rule_breach", f"未开具：{said}", {"breaches": [b.as_json() for b in found]})


def describe(rule: IssuingRule) -> str:
    """The rule's parameters in Chinese (empty for kinds that have none)."""
    return KINDS[rule.kind].describe(params_of(rule), bill_type_of(rule))


@dataclass(frozen=True)
class RuleEdit:
    enabled: bool
    message: str
    params: dict[str, object]


def read_edit(rule: IssuingRule, form: Mapping[str, str]) -> tuple[RuleEdit | None, Problems]:
    """The edit the officer sent, or every problem in it (in Chinese, by field)."""
    params, problems = KINDS[rule.kind].read(form, bill_type_of(rule))
    message = form.get("message", "").strip()
    low, high = MESSAGE_LENGTH
    if not low <= len(message) <= high or has_control(message):
        problems["message"] = f"请填写{low}至{high}个字的提示语：开票被阻止时单位看到的就是它。"
    if form.get("enabled") not in ("on", "off"):
        problems["enabled"] = "请选择启用或停用。"
    if problems:
        return None, problems
    return RuleEdit(form.get("enabled") == "on", message, params), problems


def rule_title(rule: IssuingRule) -> str:
    bill_type = bill_type_of(rule)
    scope = bill_type.name if bill_type is not None else "所有票据种类"
    return f"{scope}·{KINDS[rule.kind].name}"


def update_rule(
    session: DbSession, rule_id: int, seen_version: int, edit: RuleEdit, actor: Actor, now: datetime
) -> IssuingRule:
    """Apply a checked edit over the version the officer saw; 409 when someone changed the rule meanwhile."""
    write_transaction(session)
    rule = session.execute(
        select(IssuingRule).where(IssuingRule.id == rule_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if rule is None:
        session.rollback()
        raise FiscalError(404, "rule_not_found", "没有这条规则，请从规则表进入。")
    if rule.version != seen_version:
        session.rollback()
        raise FiscalError(409, "rule_changed", "这条规则刚被其他人修改过，请查看最新内容后重新修改。")
    before_params, before_enabled, before_message = describe(rule), rule.enabled, rule.message
    rule.params = json.dumps(edit.params)
    after_params = describe(rule)
    changes = []
    if before_enabled != edit.enabled:
        changes.append(f"{'启用' if before_enabled else '停用'} → {'启用' if edit.enabled else '停用'}")
    if before_params != after_params:
        changes.append(f"{before_params} → {after_params}")
    if before_message != edit.message:
        changes.append(f"提示语“{before_message}” → “{edit.message}”")
    if not changes:
        session.rollback()
        return rule
    rule.enabled, rule.message = edit.enabled, edit.message
    rule.version += 1
    rule.updated_at, rule.updated_by = now, actor.id
    record(session, actor, "rule.changed", None, f"{rule_title(rule)}：{'；'.join(changes)}", now)
    session.commit()
    return rule
