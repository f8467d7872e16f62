"""The unit integration API's state: each unit's credential and public keys, the wallet's own
key pairs, used nonces, kept replies.

The appKey must be readable again to check its HMAC, so it is sealed (AES-256-GCM,
``wallet.identity.seal``) rather than hashed; the administrator sees it once, when it is
issued. The wallet's private keys are sealed the same way. Nonces and idempotent replies
live here, not in a process, so every wallet process refuses the same replays and returns
the same kept replies.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import Model
from wallet.models.unit import Unit

APP_KEY_PURPOSE = "api.app_key"
REPLY_PURPOSE = "api.idempotent_reply"
WALLET_KEY_PURPOSE = "api.wallet_key"


class ApiCredential(Model):
    """One unit's integration: its appId, sealed appKey and the public keys it registered (a JWK Set,
    pasted or fetched from its JWKS URL) that verify its requests and receive its replies."""

    __tablename__ = "api_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), unique=True)
    app_id: Mapped[str] = mapped_column(String(32), unique=True)
    app_key_enc: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(Integer, default=1)
    key_issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    key_issued_by: Mapped[int | None] = mapped_column(ForeignKey("unit_users.id", ondelete="SET NULL"))
    unit_jwks: Mapped[str | None] = mapped_column(Text)
    unit_jwks_url: Mapped[str | None] = mapped_column(String(500))
    unit_keys_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)


class ApiWalletKey(Model):
    """One of the wallet's own key pairs, for signing replies (``sig``) or opening requests (``enc``).

    Rotation adds a pair and keeps the previous one published and accepted; older ones are retired.
    """

    __tablename__ = "api_wallet_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    use: Mapped[str] = mapped_column(String(3))
    private_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiNonce(Model):
    """A nonce a credential already used; kept until a replay of it would be stale anyway."""

    __tablename__ = "api_nonces"
    __table_args__ = (Index("ix_api_nonces_credential_expires", "credential_id", "expires_at"),)

    credential_id: Mapped[int] = mapped_column(ForeignKey("api_credentials.id", ondelete="CASCADE"), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiIdempotentReply(Model):
    """The reply to a mutating call under its Idempotency-Key: ``pending`` while it runs, then kept (sealed)."""

    __tablename__ = "api_idempotent_replies"
    __table_args__ = (Index("ix_api_idempotent_replies_credential_expires", "credential_id", "expires_at"),)

    credential_id: Mapped[int] = mapped_column(ForeignKey("api_credentials.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(8), default="pending")
    status: Mapped[int | None] = mapped_column(Integer)
    reply_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
