"""CSRF tokens as a part would have put them in a page some time ago, to test what a late form meets."""
from __future__ import annotations

import time

from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer


def token_shown(app: Flask, session_cookie: str, seconds_ago: int) -> str:
    """The token ``app`` would have rendered ``seconds_ago`` seconds ago for the session in ``session_cookie``.

    Signed the way Flask-WTF signs its own, from the secret kept in the session, only with
    an earlier timestamp: no clock has to be moved in the running server.
    """
    secret = app.session_interface.get_signing_serializer(app).loads(session_cookie)["csrf_token"]  # type: ignore[attr-defined]

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token", signer=Earlier).dumps(secret)
