"""What a successful 蒙速办 login proves about a person, checked before the wallet relies on it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from common.checksums import resident_id_problem
from common.i18n import first_served
from common.translatable import gettext
from wallet.refusals import Refusal

LOA_SMS = "urn:mengsuban:loa:2"
LOA_FACE = "urn:mengsuban:loa:3"


@dataclass(frozen=True)
class VerifiedIdentity:
    sub: str
    name: str
    id_number: str
    acr: str
    auth_time: int
    id_token: str
    # The language the person signed in with (the ``locale`` claim), None when 蒙速办 named none served here.
    locale: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def identity_from_claims(claims: Mapping[str, Any], id_token: str) -> VerifiedIdentity:
    """The identity in validated ID-token claims; a missing name or a wrong ID number refuses login."""
    name = str(claims.get("name") or "").strip()
    id_number = str(claims.get("id_number") or "").strip().upper()
    if not name or not id_number:
        raise Refusal(
            "identity_missing",
            gettext("蒙速办未提供姓名和身份证号码，无法开通个人数字账户。请重新登录，并在授权页同意提供实名信息。"),
            422,
        )
    problem = resident_id_problem(id_number)
    if problem:
        reason = problem.split("，")[0].rstrip("。")
        raise Refusal(
            "identity_invalid",
            gettext(
                "%(reason)s。蒙速办提供的实名信息未通过校验，无法登录。请联系蒙速办核实实名信息后再试。", reason=reason
            ),
            422,
        )
    auth_time = claims.get("auth_time")
    locale = claims.get("locale")
    return VerifiedIdentity(
        sub=str(claims["sub"]),
        name=name,
        id_number=id_number,
        acr=str(claims.get("acr") or ""),
        auth_time=int(auth_time) if isinstance(auth_time, (int, float)) else 0,
        id_token=id_token,
        locale=first_served(locale) if isinstance(locale, str) else None,
    )
