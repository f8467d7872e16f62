"""This stub's tables. ``create_all`` builds them; a simulator is rebuilt, not migrated."""

from identity_stub.models.keys import SigningKey
from identity_stub.models.kinship import Kinship
from identity_stub.models.oauth import AccessToken, AuthorizationCode, OAuthClient
from identity_stub.models.people import Consent, LocaleChoice, Person
from identity_stub.models.sms import SmsChallenge

__all__ = [
    "AccessToken",
    "AuthorizationCode",
    "Consent",
    "Kinship",
    "LocaleChoice",
    "OAuthClient",
    "Person",
    "SigningKey",
    "SmsChallenge",
]
