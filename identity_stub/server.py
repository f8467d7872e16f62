"""The OpenID Connect protocol wiring: grants, PKCE, ID tokens, userinfo and logout, on Authlib.

Grants and endpoints register once on the shared ``authorization`` server; ``config_oauth``
binds it to an app. Everything per deployment (issuer, lifetimes, keys) is read from the
current app at request time, so several stub apps in one process stay independent.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo, UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from flask import Flask, current_app, request
from joserfc.jwk import ECKey, KeySet
from sqlalchemy import exists, select, update

from common.database import rows_changed
from common.timeutil import utcnow
from identity_stub.claims import user_info
from identity_stub.extensions import authorization, db, require_oauth
from identity_stub.models import AccessToken, AuthorizationCode, OAuthClient, Person
from identity_stub.signin import Authentication, sign_out
from identity_stub.signing import current_key, private_jwk, public_jwks

CODE_LIFETIME = timedelta(seconds=60)


def issuer() -> str:
    """The configured issuer, or the URL this stub is reached at (e.g. ``http://host/idp``)."""
    return current_app.config["ISSUER"] or request.url_root.rstrip("/")


def query_client(client_id: str) -> OAuthClient | None:
    return db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))


def save_token(token: dict[str, Any], oauth_request: Any) -> None:
    db.session.add(
        AccessToken(
            access_token=token["access_token"],
            client_id=oauth_request.client.client_id,
            person_id=oauth_request.user.id,
            authorization_code_id=oauth_request.authorization_code.id,
            scope=token["scope"],
            expires_in=token["expires_in"],
        )
    )


def access_token_lifetime(client: OAuthClient, grant_type: str) -> int:
    return int(current_app.config["ACCESS_TOKEN_LIFETIME"])


class S256Only(CodeChallenge):
    """PKCE for every client, S256 only: ``plain`` and a missing challenge are refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send 'code_challenge' with 'code_challenge_method=S256'.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is accepted.")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, oauth_request: Any) -> None:
        data = oauth_request.payload.data
        signed_in: Authentication = oauth_request.user
        db.session.add(
            AuthorizationCode(
                code=code,
                client_id=oauth_request.client.client_id,
                person_id=signed_in.person.id,
                redirect_uri=oauth_request.payload.redirect_uri,
                scope=oauth_request.scope,
                nonce=data.get("nonce"),
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                auth_time=signed_in.auth_time,
                acr=signed_in.acr,
                amr=" ".join(signed_in.amr),
                expires_at=utcnow() + CODE_LIFETIME,
            )
        )

    def query_authorization_code(self, code: str, client: ClientMixin) -> AuthorizationCode | None:
        """Spend the code atomically; a second use finds it spent and revokes what the first got."""
        now = utcnow()
        claimed = rows_changed(
            db.session.execute(
                update(AuthorizationCode)
                .where(
                    AuthorizationCode.code == code,
                    AuthorizationCode.client_id == client.get_client_id(),
                    AuthorizationCode.used_at.is_(None),
                )
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        item = db.session.scalar(
            select(AuthorizationCode).where(
                AuthorizationCode.code == code, AuthorizationCode.client_id == client.get_client_id()
            )
        )
        if item is None:
            return None
        if not claimed:
            db.session.execute(
                update(AccessToken)
                .where(AccessToken.authorization_code_id == item.id, AccessToken.revoked_at.is_(None))
                .values(revoked_at=now)
                .execution_options(synchronize_session=False)
            )
            return None
        if item.expires_at <= now:
            return None
        return item

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Nothing to delete: the code was spent in ``query_authorization_code`` and is kept for replay detection."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Person:
        return authorization_code.person


class IdTokens(OpenIDCode):
    """ID tokens signed with the current database key, ``kid`` in the header, nonce required."""

    def __init__(self) -> None:
        super().__init__(require_nonce=True)

    def exists_nonce(self, nonce: str, oauth_request: Any) -> bool:
        return bool(
            db.session.scalar(
                select(
                    exists().where(
                        AuthorizationCode.client_id == oauth_request.payload.client_id,
                        AuthorizationCode.nonce == nonce,
                    )
                )
            )
        )

    def resolve_client_private_key(self, client: OAuthClient) -> ECKey:
        return private_jwk(current_key())

    def get_client_algorithm(self, client: OAuthClient) -> str:
        return current_key().alg

    def get_encode_header(self, client: OAuthClient) -> dict[str, str]:
        key = current_key()
        return {"alg": key.alg, "kid": key.kid, "typ": "JWT"}

    def get_client_claims(self, client: OAuthClient) -> dict[str, Any]:
        return {
            "iss": issuer(),
            "aud": client.client_id,
            "exp": int(time.time()) + int(current_app.config["ID_TOKEN_LIFETIME"]),
        }

    def generate_user_info(self, user: Person, scope: str) -> UserInfo:
        return user_info(user, scope)


class UserInfoClaims(UserInfoEndpoint):
    def generate_user_info(self, user: Person, scope: str) -> UserInfo:
        return user_info(user, scope)


class AccessTokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> AccessToken | None:
        return db.session.scalar(select(AccessToken).where(AccessToken.access_token == token_string))


class EndSession(EndSessionEndpoint):
    def get_server_jwks(self) -> KeySet:
        return KeySet.import_key_set(public_jwks())

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        sign_out()


require_oauth.register_token_validator(AccessTokenValidator())
authorization.register_grant(CodeGrant, [IdTokens(), S256Only(required=True)])
userinfo_endpoint = UserInfoClaims(resource_protector=require_oauth)
authorization.register_endpoint(userinfo_endpoint)  # type: ignore[arg-type]  # not an Endpoint to types-Authlib 1.8
authorization.register_endpoint(EndSession)


def config_oauth(app: Flask) -> None:
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = "identity_stub.server.access_token_lifetime"
    authorization.init_app(app, query_client=query_client, save_token=save_token)
