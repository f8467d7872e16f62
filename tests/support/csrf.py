"""CSRF tokens as a part would have put them in a page some time ago, to test what a late form meets."""

from __future__ import annotations

import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer


def token_shown(app: Flask, session_cookie: str, seconds_ago: int) -> str:
    """The token ``app`` would have rendered ``seconds_ago`` seconds ago for the session in ``session_cookie``.

    Signed the way Flask-WTF signs its own, from the secret kept in the session, only with
    an earlier timestamp: no clock has to be moved in the running server.
    """
    interface = app.session_interface
    assert isinstance(interface, SecureCookieSessionInterface), "the parts keep their sessions in signed cookies"
    serializer = interface.get_signing_serializer(app)
    assert serializer is not None, "the app has a secret key"
    secret = serializer.loads(session_cookie)["csrf_token"]

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token", signer=Earlier).dumps(secret)
