"""What an authorization looks like on a page: its state as of now, a chip, and what may be done.

The bill and unit come joined with the authorization; the one other read, the red bill that
replaced a red-reversed one, is made when the view is built, not while a template renders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.timeutil import utcnow
from wallet import copy, policy
from wallet.models.claim import Claim
from wallet.presenters.linked_bill import LinkedBill, linked_bill


class AuthorizationView:
    def __init__(self, auth: Claim, now: datetime | None = None, red_link: bool = False) -> None:
        """``red_link``: also name the red bill that replaced a red-reversed bill (the resident's
        list links to it; it is the one part of the view that reads the database)."""
        self.auth = auth
        self.now = now or utcnow()
        self.state = policy.effective_state(auth, self.now)
        self.lapsed = policy.lock_lapsed(auth, self.now)
        self.red_link: LinkedBill | None = (
            linked_bill(auth.wallet_copy, "red_bill")
            if red_link and auth.source == "account" and auth.bill.issuance == "red_reversed"
            else None
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.auth, name)

    def _chip(self, audience: str) -> tuple[str, str]:
        return copy.authorization_chip(
            self.state,
            audience=audience,
            lapsed=self.lapsed,
            amount=self.auth.amount,
            reason=self.auth.end_reason or "",
        )

    @property
    def chip(self) -> tuple[str, str]:
        return self._chip("resident")

    @property
    def unit_chip(self) -> tuple[str, str]:
        return self._chip("unit")

    @property
    def line(self) -> str:
        """The resident's sentence for this authorization as of now."""
        a = self.auth
        until = a.lock_expires_at if self.state == "locked" else a.expires_at
        reason = a.end_reason or (copy.END_REASONS.get(a.bill.issuance, "") if self.state == "expired" else "")
        return copy.authorization_line(
            self.state,
            unit=a.unit.name,
            amount=a.amount,
            claimable=a.bill.claimable,
            bill_reimbursed=a.bill.reimbursed_amount,
            until=until,
            reason=reason,
            closed_at=a.closed_at,
            lapsed=self.lapsed,
        )

    @property
    def can_revoke(self) -> bool:
        if self.auth.resident_id is None:
            return False
        return bool(
            policy.decide(policy.ResidentActor(self.auth.resident_id), "revoke", authorization=self.auth, now=self.now)
        )

    @property
    def remaining(self) -> int:
        return policy.remaining(self.auth.bill)
