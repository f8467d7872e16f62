"""Bills authorized to the calling unit: list by cursor, status, lock, unlock, feedback, reject.

Every action goes through :mod:`wallet.services.reimbursement`, which asks :mod:`wallet.policy`
on the locked row — the same functions the unit workspace calls, so one lock holder, the
cumulative cap and a frozen account are decided in one place for web and API alike.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable

from flask import Response, g, request

from wallet.api import bp, ok
from wallet.api.idempotency import idempotent
from wallet.api.payloads import feedback as feedback_of
from wallet.api.payloads import reason as reason_of
from wallet.api.payloads import sealed_payload
from wallet.api.replies import Reply, render
from wallet.api.serializers import authorization
from wallet.models.claim import Claim
from wallet.refusals import Refusal
from wallet.services import reimbursement, unit_inbox
from wallet.services.authorizations import sweep

ID = "<int(max=2147483647):auth_id>"
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
QUERY_FIELDS = {"status", "cursor", "limit"}
DIGITS = re.compile(r"[0-9]{1,4}")
MAX_CURSOR = 200


def _cursor(status: str, after_id: int) -> str:
    raw = json.dumps({"s": status, "a": after_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _after(cursor: str, status: str) -> int:
    if len(cursor) > MAX_CURSOR:
        raise Refusal.of("cursor_invalid")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise Refusal.of("cursor_invalid") from error
    if not isinstance(decoded, dict) or decoded.get("s") != status:
        raise Refusal("cursor_invalid", "分页游标与查询的状态不一致，请从第一页重新获取（不带 cursor）。", 400)
    after = decoded.get("a")
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**31:
        raise Refusal.of("cursor_invalid")
    return after


def _query() -> tuple[str, int, int]:
    errors: dict[str, str] = {name[:40]: "不认识的查询参数。" for name in request.args if name not in QUERY_FIELDS}
    status = request.args.get("status", "open")
    if status not in unit_inbox.STATUS_FILTERS:
        errors["status"] = "应为 " + "、".join(unit_inbox.STATUS_FILTERS) + " 之一。"
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not DIGITS.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT:
        errors["limit"] = f"应为 1–{MAX_LIMIT} 的整数。"
    if errors:
        raise Refusal.of("query_invalid", errors)
    cursor = request.args.get("cursor")
    return status, int(raw_limit), _after(cursor, status) if cursor else 0


@bp.get("/authorizations")
def list_authorizations() -> Response:
    """Claims oldest first from the cursor on; follow ``next_cursor`` until ``has_more`` is false,
    and keep the last cursor to pick up only new authorizations next time."""
    status, limit, after_id = _query()
    unit_id = g.api_caller.unit_id
    sweep(unit_id=unit_id)
    rows = unit_inbox.after(unit_id, status, after_id, limit + 1)
    page = rows[:limit]
    last = page[-1].id if page else after_id
    return render(
        ok(
            {
                "items": [authorization(a) for a in page],
                "has_more": len(rows) > limit,
                "next_cursor": _cursor(status, last),
            }
        )
    )


@bp.get(f"/authorizations/{ID}")
def authorization_status(auth_id: int) -> Response:
    auth = reimbursement.view_claim(g.api_caller, auth_id)
    return render(ok(authorization(auth, full=True)))


def _no_payload() -> None:
    if request.get_data() and sealed_payload():
        raise Refusal("payload_invalid", "该接口不需要请求内容，请发送空的请求体或空对象。", 422)


@bp.post(f"/authorizations/{ID}/lock")
@idempotent
def lock(auth_id: int) -> Reply:
    _no_payload()
    return _act(lambda: reimbursement.lock_claim(g.api_caller, auth_id), "已锁定，请在锁定期内登记报销结果。")


@bp.post(f"/authorizations/{ID}/unlock")
@idempotent
def unlock(auth_id: int) -> Reply:
    _no_payload()
    return _act(lambda: reimbursement.unlock_claim(g.api_caller, auth_id), "已解除锁定，授权仍有效。")


@bp.post(f"/authorizations/{ID}/feedback")
@idempotent
def feedback(auth_id: int) -> Reply:
    parsed = feedback_of(sealed_payload())
    auth, replayed = reimbursement.record_feedback(g.api_caller, auth_id, parsed)
    message = "该业务流水号此前已登记，未重复报销。" if replayed else "报销结果已登记。"
    return ok(authorization(auth), message)


@bp.post(f"/authorizations/{ID}/reject")
@idempotent
def reject(auth_id: int) -> Reply:
    text = reason_of(sealed_payload())
    return _act(lambda: reimbursement.reject_claim(g.api_caller, auth_id, text), "已拒绝报销，票据已释放。")


def _act(action: Callable[[], Claim], message: str) -> Reply:
    auth = action()
    return ok(authorization(auth), message)
