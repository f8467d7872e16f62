"""The one place that decides whether an actor may do something to a bill.

Web pages, the integration API and tests all ask :func:`decide`; services ask it again
inside their transaction, after locking the rows, so a page that showed a button never
decides anything by itself. A refusal carries a stable ``code``, a short Chinese message
that says what to do next, and the HTTP status to answer with. Units get 404 — never 403 —
for anything not authorized to them, so they cannot learn which bills exist.

The fiscal network has the last word on locks and amounts (another platform may lock the
bill, the mirrored status may be a moment old); these rules are what the wallet itself
knows and checks first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from common.money import yuan_display
from common.timeutil import as_utc, utcnow
from common.translatable import N_, gettext, lazy_gettext, shown
from wallet.models.bill import Bill
from wallet.models.claim import OPEN_STATES, STATE_NAMES, UNIT_VISIBLE_STATES, Claim, ClaimFile
from wallet.models.family import CHILD, FamilyLink
from wallet.models.unit import Unit
from wallet.refusals import Refusal

Action = Literal["authorize", "revoke", "view", "share", "lock", "unlock", "feedback", "reject"]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str = "ok"
    message: str = ""
    status: int = 200

    def __bool__(self) -> bool:
        return self.allowed

    def refusal(self, prefix: str = "") -> Refusal:
        """The refusal a service raises when this decision says no; ``prefix`` names the bill among several."""
        return Refusal(self.code, prefix + str(self.message), self.status)


ALLOW = Decision(True)


def refuse(code: str, message: str, status: int = 409) -> Decision:
    return Decision(False, code, message, status)


NOT_FOUND = refuse("not_found", lazy_gettext("没有找到这张票据，或它未授权给您。请返回列表重新选择。"), 404)


@dataclass(frozen=True)
class ResidentActor:
    resident_id: int


@dataclass(frozen=True)
class UnitActor:
    unit: Unit


Actor = ResidentActor | UnitActor
# A claim's bill: the wallet's copy, or the copy a unit verified itself (file mode).
ClaimedBill = Bill | ClaimFile
# Longer than any network call can last (client timeout × attempts): a unit action marked on a
# claim (wallet.services.reimbursement) this long ago is a dead one.
PENDING_TTL = timedelta(seconds=60)


# -- facts about a bill and an authorization -----------------------------------------------


def lock_expiry(bill: ClaimedBill) -> datetime | None:
    raw = json.loads(bill.status_json).get("lock_expires_at")
    return as_utc(datetime.fromisoformat(raw)) if raw else None


def lock_holder(bill: Bill) -> str:
    holder: str = (json.loads(bill.status_json).get("locked_by") or {}).get("unit_name", gettext("其他单位"))
    return holder


def held_by_network_lock(bill: Bill, now: datetime) -> bool:
    expires = lock_expiry(bill)
    return bill.reimbursement == "locked" and (expires is None or expires > now)


NOTHING_CLAIMABLE = N_("该票据的费用已由医保基金全部支付，个人没有可报销的金额。")
FULLY_REIMBURSED = N_("该票据已全额报销，不能再报销。")


def remaining(bill: ClaimedBill) -> int:
    """What a unit may still reimburse: what the person bore (``claimable``) less what was reported paid."""
    return max(0, bill.claimable - bill.reimbursed_amount)


def permanent_problem(bill: ClaimedBill) -> Decision | None:
    """What keeps this bill from ever being claimed again, whoever asks."""
    if bill.total <= 0:
        return refuse("red_bill", gettext("这是红字冲销票据，不能报销。"))
    if bill.issuance == "red_reversed":
        return refuse("red_reversed", gettext("该票据已冲红作废，不能报销。"))
    if bill.issuance == "exchanged":
        return refuse("exchanged", gettext("该票据已换开为纸质票据，电子票据不能再报销。"))
    if bill.claimable <= 0:
        return refuse("nothing_claimable", gettext(NOTHING_CLAIMABLE))
    if bill.reimbursement == "reimbursed" or remaining(bill) == 0:
        return refuse("fully_reimbursed", gettext(FULLY_REIMBURSED))
    return None


def is_pending(claim: Claim, now: datetime) -> bool:
    """Whether a unit action on ``claim`` may still be waiting for the network."""
    return claim.pending_since is not None and claim.pending_since > now - PENDING_TTL


def lock_lapsed(auth: Claim, now: datetime) -> bool:
    return auth.state == "locked" and auth.lock_expires_at is not None and auth.lock_expires_at <= now


def effective_state(auth: Claim, now: datetime | None = None) -> str:
    """The state as of ``now``: an unlocked authorization past its expiry, or on a voided bill, is expired."""
    now = now or utcnow()
    if auth.state == "authorized":
        if auth.expires_at <= now or auth.bill.issuance != "normal":
            return "expired"
    return auth.state


def is_open(auth: Claim, now: datetime | None = None) -> bool:
    return effective_state(auth, now) in OPEN_STATES


# -- the decision ------------------------------------------------------------------------------


def decide(
    actor: Actor,
    action: Action,
    *,
    bill: Bill | None = None,
    authorization: Claim | None = None,
    open_authorization: Claim | None = None,
    target_unit: Unit | None = None,
    amount: int | None = None,
    now: datetime | None = None,
) -> Decision:
    """May ``actor`` do ``action``? ``authorize`` needs ``bill`` (its open authorization, if any, and
    the ``target_unit``); ``revoke`` and every unit action need ``authorization``; ``feedback`` the ``amount``."""
    now = now or utcnow()
    if isinstance(actor, ResidentActor):
        if action == "authorize":
            return _resident_authorize(actor, bill, open_authorization, target_unit, now)
        if action == "revoke":
            return _resident_revoke(actor, authorization, now)
        if action == "view":
            return ALLOW if bill is not None and bill.resident_id == actor.resident_id else NOT_FOUND
        if action == "share":
            return _resident_share(actor, bill, now)
        return NOT_FOUND
    if not actor.unit.is_active:
        return refuse(
            "unit_inactive", f"单位账户{actor.unit.state_name}，不能进行任何操作。如有疑问请联系财政部门。", 403
        )
    if authorization is None or authorization.unit_id != actor.unit.id:
        return NOT_FOUND
    state = effective_state(authorization, now)
    if state not in UNIT_VISIBLE_STATES:
        return refuse("not_found", "该授权已撤销或已失效，票据不再对本单位可见。", 404)
    if action == "view":
        return ALLOW
    if action == "lock":
        return _unit_lock(authorization, state, now)
    if action == "feedback":
        return _unit_feedback(authorization, state, amount, now)
    if action == "reject":
        if state in OPEN_STATES:
            return ALLOW
        return refuse("closed", f"该授权{authorization.state_name}，不能再拒绝。")
    if action == "unlock":
        if state == "locked":
            return ALLOW
        return refuse("not_locked", "本单位没有锁定该票据，无需解除锁定。")
    return NOT_FOUND


def _resident_authorize(
    actor: ResidentActor, bill: Bill | None, open_auth: Claim | None, unit: Unit | None, now: datetime
) -> Decision:
    if bill is None or bill.resident_id != actor.resident_id:
        return NOT_FOUND
    if unit is not None and not unit.is_active:
        return refuse("unit_inactive", gettext("该单位账户当前不能接收授权，请选择其他单位。"))
    problem = permanent_problem(bill)
    if problem is not None:
        return problem
    if open_auth is not None and is_open(open_auth, now):
        return refuse(
            "already_authorized",
            gettext("已授权给%(unit)s，待其处理；如需改授权，请先撤销。", unit=open_auth.unit.name),
        )
    if held_by_network_lock(bill, now):
        return refuse("locked_elsewhere", gettext("该票据正由%(unit)s锁定报销中，暂不能授权。", unit=lock_holder(bill)))
    return ALLOW


def share_ended_by(bill: Bill, now: datetime) -> str | None:
    """Why a share link showing ``bill`` may not go on (``red_reversed``, ``exchanged``, ``locked``), or None.

    A voided bill must not be handed on, and one a unit holds is being reimbursed: an office
    shown it through a link could claim it a second time.
    """
    if bill.issuance in ("red_reversed", "exchanged"):
        return bill.issuance
    if held_by_network_lock(bill, now):
        return "locked"
    return None


def _resident_share(actor: ResidentActor, bill: Bill | None, now: datetime) -> Decision:
    if bill is None or bill.resident_id != actor.resident_id:
        return NOT_FOUND
    if bill.total <= 0:
        return refuse("red_bill", gettext("这是红字冲销票据，不能分享。"))
    reason = share_ended_by(bill, now)
    if reason == "locked":
        return refuse("locked_elsewhere", gettext("该票据正由%(unit)s锁定报销中，暂不能分享。", unit=lock_holder(bill)))
    if reason == "red_reversed":
        return refuse(reason, gettext("该票据已冲红作废，不能分享。"))
    if reason is not None:
        return refuse(reason, gettext("该票据已换开为纸质票据，电子票据不能再分享。"))
    return ALLOW


def _resident_revoke(actor: ResidentActor, auth: Claim | None, now: datetime) -> Decision:
    if auth is None or auth.source != "account" or auth.resident_id != actor.resident_id:
        return refuse("not_found", gettext("没有找到这条授权，请返回授权列表。"), 404)
    if is_pending(auth, now):
        return refuse("unit_acting", gettext("%(unit)s正在办理该票据，请稍后刷新页面再试。", unit=auth.unit.name))
    state = effective_state(auth, now)
    if state == "authorized" or lock_lapsed(auth, now):
        return ALLOW
    if state == "locked":
        return refuse(
            "already_locked",
            gettext("%(unit)s已锁定该票据，不能再撤销。如需取消报销，请联系该单位退回。", unit=auth.unit.name),
        )
    return refuse("closed", gettext("该授权%(state)s，无需撤销。", state=shown(STATE_NAMES.get(state, state))))


def _unit_lock(auth: Claim, state: str, now: datetime) -> Decision:
    if state == "locked" and not lock_lapsed(auth, now):
        return refuse("already_locked", "本单位已锁定该票据，可直接登记报销结果。")
    if state not in OPEN_STATES:
        return refuse("closed", f"该授权{auth.state_name}，不能再锁定。")
    problem = permanent_problem(auth.bill)
    return ALLOW if problem is None else problem


def _unit_feedback(auth: Claim, state: str, amount: int | None, now: datetime) -> Decision:
    if state != "locked":
        if state == "authorized":
            return refuse("not_locked", "请先锁定票据，再登记报销结果。")
        return refuse("closed", f"该授权{auth.state_name}，不能再登记报销结果。")
    if lock_lapsed(auth, now):
        return refuse("lock_lapsed", "锁定已过期，请重新锁定后再登记报销结果。")
    left = remaining(auth.bill)
    if amount is None or amount <= 0 or amount > left:
        return refuse(
            "amount_exceeds_remaining",
            f"报销金额应大于 0 且不超过剩余可报销金额 {yuan_display(left)}，请核对金额。",
            422,
        )
    return ALLOW


# -- family: whose bills a resident may reach besides their own ---------------------------------

FamilyUse = Literal["act", "view"]
CHILD_OF_AGE = refuse(
    "child_of_age",
    lazy_gettext("子女已年满十八周岁，代管已结束。票据保留在其本人的票据夹中，其本人登录开通后即可使用。"),
    404,
)


def decide_family(
    actor_id: int, link: FamilyLink | None, use: FamilyUse, today: date, shared: bool | None = None
) -> Decision:
    """May ``actor_id`` reach the bills at the other end of ``link`` on ``today``?

    ``act`` is everything the holder could do on their own bills — a guardian's, for a minor
    child, until the 18th birthday. ``view`` reads: a guardian's child's bills, or a spouse's bills
    the spouse shared (``shared`` False for a bill they did not). Anything else is 404, like
    another person's bill.
    """
    if link is None or actor_id not in (link.resident_id, link.member_id):
        return NOT_FOUND
    if link.relation == CHILD:
        if link.resident_id != actor_id:
            return NOT_FOUND
        if link.ends_on is not None and today >= link.ends_on:
            return CHILD_OF_AGE
        return ALLOW if link.open_key is not None else NOT_FOUND
    if link.open_key is None or link.confirmed_at is None or use != "view" or shared is False:
        return NOT_FOUND
    return ALLOW
