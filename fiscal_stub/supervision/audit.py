"""Writing the supervision audit trail: who did what to which unit, and when.

Every supervision service records its action in the same transaction as the change, so
the trail never shows an action that did not happen nor misses one that did. Refusals
change nothing and so are not recorded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from common.database import DbSession
from fiscal_stub.models import SupervisionAudit

ACTION_NAMES = {
    "account.opened": "开通单位账号",
    "password.reset": "短信验证重置密码",
    "certificate.recorded": "上传单位资质证书",
    "ukey.reported_lost": "短信验证挂失UKey",
    "ukey.registered": "登记新UKey",
    "ukey.enrolment_issued": "发放UKey登记码",
    "ukey.login": "使用UKey登录",
    "batch.approved": "票据申领自动审核发放",
    "rule.changed": "修改开票监管规则",
    "basis.held": "佐证资料比对不一致，暂缓开票",
    "basis.submitted": "提交人工复核",
    "basis.approved": "人工复核通过并开票",
    "basis.refused": "人工复核不通过",
    "writeoff.received": "录入实际到账金额",
    "writeoff.submitted": "提交核销（自动核销）",
    "abnormal.cleared": "解除异常票据并核销",
    "abnormal.violation": "标记违规并下发整改通知",
    "rectification.reported": "提交整改情况",
    "rectification.accepted": "确认整改完成",
}


@dataclass(frozen=True)
class Actor:
    kind: str  # unit | finance | system
    id: str

    @classmethod
    def unit(cls, code: str) -> Actor:
        return cls("unit", code)

    @classmethod
    def finance(cls, username: str) -> Actor:
        return cls("finance", username)

    @classmethod
    def system(cls) -> Actor:
        return cls("system", "system")


def record(session: DbSession, actor: Actor, action: str, unit_code: str | None, detail: str, now: datetime) -> None:
    """Add one entry inside the caller's transaction (it commits with the change it describes)."""
    if action not in ACTION_NAMES:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        SupervisionAudit(
            at=now, actor_kind=actor.kind, actor=actor.id, unit_code=unit_code, action=action, detail=detail
        )
    )


def trail(session: DbSession, unit_code: str | None = None, limit: int = 50) -> list[SupervisionAudit]:
    """The latest entries, newest first (of one unit, or of all)."""
    query = select(SupervisionAudit).order_by(SupervisionAudit.id.desc()).limit(limit)
    if unit_code is not None:
        query = query.where(SupervisionAudit.unit_code == unit_code)
    return list(session.execute(query).scalars())
