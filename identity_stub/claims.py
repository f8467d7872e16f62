"""What the stub tells a client about a person, by scope.

| scope    | claims                      |
|----------|-----------------------------|
| openid   | ``sub`` (always)            |
| profile  | ``name``, ``birthdate``, ``locale`` (``zh-CN`` or ``mn-Mong-CN``: the login page's language) |
| phone    | ``phone_number``            |
| idcard   | ``id_number`` (custom: the 18-character resident ID number, GB 11643) |
| family   | ``family`` (custom: minor children and spouse from the household records, see ``family``) |

``acr``, ``amr`` and ``auth_time`` come with every ID token (see ``assurance``).
"""

from __future__ import annotations

from authlib.oidc.core import UserInfo
from flask_babel import lazy_gettext

from identity_stub.family import family_claim
from identity_stub.language import locale_claim
from identity_stub.models import Person

SCOPES = ("openid", "profile", "phone", "idcard", "family")
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "profile": ("name", "birthdate", "locale"),
    "phone": ("phone_number",),
    "idcard": ("id_number",),
    "family": ("family",),
}
# What the consent page lists; ``locale`` is the language chosen on that same page, not a record shared.
CLAIM_LABELS = {
    "name": lazy_gettext("姓名"),
    "birthdate": lazy_gettext("出生日期"),
    "phone_number": lazy_gettext("手机号码"),
    "id_number": lazy_gettext("身份证号码"),
    "family": lazy_gettext("家庭成员（未成年子女、配偶）"),
}
CLAIMS_SUPPORTED = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "name",
    "birthdate",
    "locale",
    "phone_number",
    "id_number",
    "family",
]


def claim_values(person: Person) -> dict[str, str]:
    """The plain claims; ``family`` is read from the household records only when it is asked for."""
    return {
        "name": person.name,
        "birthdate": person.birthdate.isoformat(),
        "phone_number": person.phone,
        "id_number": person.id_number,
        "locale": locale_claim(person),
    }


def claims_for_scope(scope: str) -> list[str]:
    granted = scope.split()
    return [claim for s in SCOPES if s in granted for claim in SCOPE_CLAIMS.get(s, ())]


def user_info(person: Person, scope: str) -> UserInfo:
    values = claim_values(person)
    info = UserInfo(sub=person.sub)
    for claim in claims_for_scope(scope):
        info[claim] = family_claim(person) if claim == "family" else values[claim]
    return info
