"""ID-token signing keys: ES256 on P-256, kept in the database, rotated with ``flask idp rotate-key``.

The newest unretired key signs. A rotated-out key stays in the JWKS for ``KEY_RETENTION``
seconds (never less than the ID-token lifetime), so every token it signed stays verifiable
until it expires; older keys are deleted at the next rotation.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from flask import current_app, g
from joserfc.jwk import ECKey, KeySetSerialization
from sqlalchemy import delete, or_, select, update

from common.timeutil import utcnow
from identity_stub.extensions import db
from identity_stub.models import SigningKey

ALGORITHM = "ES256"
CURVE = "P-256"


def _generate() -> SigningKey:
    kid = secrets.token_urlsafe(12)
    key = ECKey.generate_key(CURVE, parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"}, private=True)
    row = SigningKey(kid=kid, alg=ALGORITHM, private_jwk=json.dumps(key.as_dict(private=True)))
    db.session.add(row)
    return row


def retention() -> timedelta:
    cfg = current_app.config
    return timedelta(seconds=max(cfg["KEY_RETENTION"], cfg["ID_TOKEN_LIFETIME"]))


def current_key() -> SigningKey:
    """The key that signs now; the first one is made on first use. Memoised per request."""
    if "signing_key" in g:
        return g.signing_key
    row = db.session.scalar(
        select(SigningKey).where(SigningKey.retired_at.is_(None)).order_by(SigningKey.id.desc()).limit(1)
    )
    if row is None:
        row = _generate()
        db.session.commit()
    g.signing_key = row
    return row


def private_jwk(row: SigningKey) -> ECKey:
    return ECKey.import_key(json.loads(row.private_jwk))


def published_keys() -> list[SigningKey]:
    current_key()
    cutoff = utcnow() - retention()
    return list(
        db.session.scalars(
            select(SigningKey)
            .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > cutoff))
            .order_by(SigningKey.id.desc())
        )
    )


def public_jwks() -> KeySetSerialization:
    return {"keys": [private_jwk(row).as_dict(private=False) for row in published_keys()]}


def rotate_signing_key() -> SigningKey:
    """Retire the signing key(s), forget keys retired past retention, and start a new key."""
    now = utcnow()
    db.session.execute(delete(SigningKey).where(SigningKey.retired_at <= now - retention()))
    db.session.execute(update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now))
    row = _generate()
    db.session.commit()
    g.pop("signing_key", None)
    return row
