"""Province signing keys: created with the network, rotated on demand, published forever."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import insert, select

from common.database import DbSession, write_transaction
from fiscal_stub import crypto
from fiscal_stub.models import Province, SigningKey
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.present import iso

DEMO_VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Signer:
    kid: str
    alg: str
    key: ec.EllipticCurvePrivateKey

    def sign(self, data: bytes) -> str:
        return crypto.sign(self.key, data)


def key_rows(provinces: list[str], seed: int | None, valid_from: datetime) -> list[dict[str, Any]]:
    """First keys of ``provinces``: derived from ``seed`` when given (reproducible demo), else random."""
    rows = []
    for code in provinces:
        key = crypto.derived_private_key(f"{seed}:{code}:1") if seed is not None else crypto.fresh_private_key()
        rows.append(
            {
                "kid": f"{code}-k1",
                "province": code,
                "seq": 1,
                "alg": crypto.ALG,
                "private_pem": crypto.private_pem(key),
                "public_pem": crypto.public_pem(key),
                "valid_from": valid_from,
                "valid_to": None,
            }
        )
    return rows


def create_keys(
    session: DbSession, provinces: list[str], seed: int | None, valid_from: datetime = DEMO_VALID_FROM
) -> None:
    session.execute(insert(SigningKey), key_rows(provinces, seed, valid_from))


def current_signer(session: DbSession, province: str) -> Signer:
    row = session.execute(
        select(SigningKey)
        .where(SigningKey.province == province, SigningKey.valid_to.is_(None))
        .order_by(SigningKey.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise FiscalError(409, "province_has_no_key", "该省份尚未配置签名密钥，请先初始化财政票据网络。")
    return Signer(row.kid, row.alg, crypto.load_private(row.private_pem))


def rotate_key(session: DbSession, province: str, now: datetime) -> SigningKey:
    """Close the current key's signing period and add a new current key; the old one stays published."""
    write_transaction(session)
    current = session.execute(
        select(SigningKey)
        .where(SigningKey.province == province)
        .order_by(SigningKey.seq.desc())
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    if current is None:
        session.rollback()
        raise FiscalError(404, "province_not_found", "没有这个省份的签名密钥，请核对省份代码。")
    current.valid_to = now
    key = crypto.fresh_private_key()
    fresh = SigningKey(
        kid=f"{province}-k{current.seq + 1}",
        province=province,
        seq=current.seq + 1,
        alg=crypto.ALG,
        private_pem=crypto.private_pem(key),
        public_pem=crypto.public_pem(key),
        valid_from=now,
        valid_to=None,
    )
    session.add(fresh)
    session.commit()
    return fresh


def published_keys(session: DbSession) -> list[dict[str, Any]]:
    names = dict(session.execute(select(Province.code, Province.name)).all())
    rows = session.execute(select(SigningKey).order_by(SigningKey.province, SigningKey.seq)).scalars()
    return [
        {
            "province": k.province,
            "province_name": names.get(k.province, ""),
            "kid": k.kid,
            "alg": k.alg,
            "public_key_pem": k.public_pem,
            "valid_from": iso(k.valid_from),
            "valid_to": iso(k.valid_to) if k.valid_to else None,
            "current": k.valid_to is None,
        }
        for k in rows
    ]


def public_key(session: DbSession, kid: str) -> SigningKey | None:
    return session.get(SigningKey, kid)


def key_valid_at(key: SigningKey, moment: datetime) -> bool:
    return key.valid_from <= moment and (key.valid_to is None or moment <= key.valid_to)
