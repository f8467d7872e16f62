"""A unit's integration credentials: appId, the appKey (shown once, rotatable) and its public keys (JWK).

The appId never changes; issuing a new appKey replaces the old one at once, so a leaked key
stops working the moment the administrator rotates it. The appKey is kept sealed, because
the wallet must recompute request signatures with it. Each change runs on the locked
credential row, so two administrators rotating at once leave exactly one key in force.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from common.database import write_transaction
from common.timeutil import utcnow
from wallet.extensions import db
from wallet.identity import seal, unseal
from wallet.models.api import APP_KEY_PURPOSE, ApiCredential
from wallet.models.unit import UnitUser
from wallet.refusals import Refusal
from wallet.services import unit_keys

MAX_JWKS_CHARS = 8000


@dataclass(frozen=True)
class IssuedKey:
    """A freshly issued appKey: the only moment it is shown in clear."""

    app_id: str
    app_key: str
    version: int


def credential_of(unit_id: int) -> ApiCredential | None:
    return db.session.scalar(select(ApiCredential).where(ApiCredential.unit_id == unit_id))


def by_app_id(app_id: str) -> ApiCredential | None:
    return db.session.scalar(select(ApiCredential).where(ApiCredential.app_id == app_id))


def app_key_of(credential: ApiCredential) -> str:
    return unseal(credential.app_key_enc, APP_KEY_PURPOSE)


def _locked_credential(unit_id: int) -> ApiCredential | None:
    write_transaction(db.session)
    return db.session.scalar(
        select(ApiCredential)
        .where(ApiCredential.unit_id == unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _require_active(user: UnitUser) -> None:
    if not user.unit.is_active:
        db.session.rollback()
        raise Refusal(
            "unit_inactive", f"单位账户{user.unit.state_name}，不能管理接口凭证。如有疑问请联系财政部门。", 403
        )


def issue_app_key(user: UnitUser, expected_version: int | None = None) -> IssuedKey:
    """Issue the unit's first appKey, or replace the current one (the old key stops working now).

    ``expected_version`` is the key version the administrator saw (0 for none): a form sent
    twice, or from a stale page, then changes nothing instead of replacing a key just shown.
    """
    credential = _locked_credential(user.unit_id)
    _require_active(user)
    current = credential.key_version if credential is not None else 0
    if expected_version is not None and expected_version != current:
        db.session.rollback()
        raise Refusal(
            "app_key_changed", "appKey 刚刚已生成或重置过，为免误操作本次没有再重置。请查看当前状态后再决定。", 409
        )
    app_key, now = secrets.token_urlsafe(32), utcnow()
    if credential is None:
        credential = ApiCredential(
            unit_id=user.unit_id, app_id="bw" + secrets.token_hex(8), key_version=1, created_at=now, app_key_enc=b""
        )
        db.session.add(credential)
    else:
        credential.key_version += 1
    credential.app_key_enc = seal(app_key, APP_KEY_PURPOSE)
    credential.key_issued_at, credential.key_issued_by = now, user.id
    db.session.commit()
    return IssuedKey(credential.app_id, app_key, credential.key_version)


def register_unit_keys(user: UnitUser, jwks: str = "", url: str = "") -> ApiCredential:
    """Record the unit's public keys: a pasted JWK / JWK Set, or the https URL of its JWKS (fetched now).

    Its ``sig`` keys verify the unit's requests; its first ``enc`` key receives the replies.
    """
    text, url = (jwks or "").strip(), (url or "").strip()
    if not text and not url or len(text) > MAX_JWKS_CHARS:
        raise Refusal("keys_missing", "请粘贴本单位公钥的 JWK 或 JWK Set（JSON），或填写 JWKS 地址。", 422)
    try:
        registered = unit_keys.fetch(url) if url else unit_keys.parse(text)
    except Refusal as error:
        advice = "" if url else "请提供 P-256 公钥的 JWK 或 JWKS（不是私钥）。"
        raise Refusal("keys_unusable", f"无法登记：{error.message}。{advice}", 422) from error
    credential = _locked_credential(user.unit_id)
    _require_active(user)
    if credential is None:
        db.session.rollback()
        raise Refusal("app_key_missing", "请先生成接口密钥（appKey），再登记公钥。", 409)
    credential.unit_jwks, credential.unit_jwks_url = registered, url or None
    credential.unit_keys_at = utcnow()
    db.session.commit()
    return credential


def registered_kids(credential: ApiCredential) -> list[tuple[str, str]]:
    """(kid, what it is for) of each registered key, for the unit workspace."""
    if not credential.unit_jwks:
        return []
    return [
        (key["kid"], {"sig": "签名", "enc": "加密"}.get(key.get("use"), "签名和加密"))
        for key in json.loads(credential.unit_jwks)["keys"]
    ]
