"""What an authorization looks like on a page: its state as of now, a chip, and what may be done."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g

from common.money import yuan_display
from common.timeutil import utcnow
from wallet import policy
from wallet.models.authorization import Authorization
from wallet.services import authorizations

RESIDENT_CHIPS = {"authorized": ("已授权，待单位处理", "info"), "locked": ("已锁定", "warn"),
                  "rejected": ("已拒绝", "bad"), "revoked": ("已撤销", ""), "expired": ("已失效", "")}
UNIT_CHIPS = {"authorized": ("待锁定", "info"), "locked": ("已锁定", "warn"), "rejected": ("已拒绝", "bad"),
              "revoked": ("已撤销", ""), "expired": ("已失效", "")}


class AuthorizationView:
    def __init__(self, auth: Authorization, now: datetime | None = None) -> None:
        self.auth = auth
        self.now = now or utcnow()
        self.state = policy.effective_state(auth, self.now)
        self.lapsed = policy.lock_lapsed(auth, self.now)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.auth, name)

    def _chip(self, table: dict[str, tuple[str, str]]) -> tuple[str, str]:
        if self.lapsed:
            return "锁定已过期", "warn"
        if self.state == "reimbursed":
            return f"已报销 {yuan_display(self.auth.amount)}", "ok"
        return table.get(self.state, (self.state, ""))

    @property
    def chip(self) -> tuple[str, str]:
        return self._chip(RESIDENT_CHIPS)

    @property
    def unit_chip(self) -> tuple[str, str]:
        return self._chip(UNIT_CHIPS)

    @property
    def can_revoke(self) -> bool:
        return bool(policy.decide(policy.ResidentActor(self.auth.resident_id), "revoke",
                                  authorization=self.auth, now=self.now))

    @property
    def remaining(self) -> int:
        return policy.remaining(self.auth.bill)


def open_authorizations(resident_id: int) -> dict[int, Authorization]:
    """The resident's open authorizations by bill id, loaded once per request for list pages."""
    cache = g.setdefault("open_authorizations", {})
    if resident_id not in cache:
        cache[resident_id] = authorizations.open_by_bill(resident_id)
    return dict(cache[resident_id])
