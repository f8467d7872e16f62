"""What the stub tells a client about a person, by scope.

| scope    | claims                      |
|----------|-----------------------------|
| openid   | ``sub`` (always)            |
| profile  | ``name``, ``birthdate``     |
| phone    | ``phone_number``            |
| idcard   | ``id_number`` (custom: the 18-character resident ID number, GB 11643) |

``acr``, ``amr`` and ``auth_time`` come with every ID token (see ``assurance``).
"""

from __future__ import annotations

from authlib.oidc.core import UserInfo

from identity_stub.models import Person

SCOPES = ("openid", "profile", "phone", "idcard")
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "profile": ("name", "birthdate"),
    "phone": ("phone_number",),
    "idcard": ("id_number",),
}
CLAIM_LABELS = {
    "name": "姓名",
    "birthdate": "出生日期",
    "phone_number": "手机号码",
    "id_number": "身份证号码",
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
    "phone_number",
    "id_number",
]


def claim_values(person: Person) -> dict[str, str]:
    return {
        "name": person.name,
        "birthdate": person.birthdate.isoformat(),
        "phone_number": person.phone,
        "id_number": person.id_number,
    }


def claims_for_scope(scope: str) -> list[str]:
    granted = scope.split()
    return [claim for s in SCOPES if s in granted for claim in SCOPE_CLAIMS.get(s, ())]


def user_info(person: Person, scope: str) -> UserInfo:
    values = claim_values(person)
    info = UserInfo(sub=person.sub)
    for claim in claims_for_scope(scope):
        info[claim] = values[claim]
    return info
