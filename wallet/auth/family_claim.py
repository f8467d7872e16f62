"""What 蒙速办 attested about a resident's family, read from the ``family`` claim of a verified ID token.

The claim is believed only as part of an ID token whose signature, issuer, audience, expiry and
nonce the wallet checked (wallet.auth.provider), and whose subject is the signed-in resident. Its
content is then checked like any other input: every ID number must pass GB 11643 and carry the
birth date the claim gives, and a child must still be a minor by the wallet's own clock — a
token issued yesterday does not make someone a minor today.

Between the provider's answer and the guardian's one confirmation, the attested family waits in
the session, sealed (it holds names and ID numbers) and bound to the resident, for ten minutes.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from flask import session

from common.adulthood import is_minor
from common.checksums import resident_id_birthdate, valid_resident_id
from common.translatable import gettext, lazy_gettext
from wallet.identity import mask_id_number, mask_name, seal, unseal
from wallet.refusals import Refusal

KEY = "attested_family"
PURPOSE = "session.attested_family"
LIFETIME = 600
MALFORMED = Refusal(
    "family_claim_invalid",
    lazy_gettext("蒙速办返回的家庭成员信息无法核对，未添加任何家人。请稍后重新获取家庭成员信息。"),
    422,
)


@dataclass(frozen=True)
class AttestedPerson:
    id_number: str
    name: str
    birthdate: str  # ISO date, from the ID number

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def born(self) -> date:
        return date.fromisoformat(self.birthdate)


@dataclass(frozen=True)
class AttestedFamily:
    children: tuple[AttestedPerson, ...]
    spouse: AttestedPerson | None


def _person(raw: Any, birthdate_given: bool) -> AttestedPerson:
    if not isinstance(raw, Mapping):
        raise MALFORMED
    number = str(raw.get("id_number") or "").strip().upper()
    name = str(raw.get("name") or "").strip()
    if not name or len(name) > 64 or not valid_resident_id(number):
        raise MALFORMED
    born = resident_id_birthdate(number)
    if birthdate_given and str(raw.get("birthdate") or "") != born.isoformat():
        raise MALFORMED
    return AttestedPerson(number, name, born.isoformat())


def attested_family(claims: Mapping[str, Any], today: date) -> AttestedFamily:
    """The family in verified claims: minor children (by ``today``) and the spouse; refuses a malformed claim."""
    raw = claims.get("family")
    if not isinstance(raw, Mapping) or not isinstance(raw.get("children", []), list):
        raise Refusal(
            "family_claim_missing",
            gettext("蒙速办没有提供家庭成员信息，未添加任何家人。请在授权页同意提供家庭成员信息。"),
            422,
        )
    children = tuple(_person(c, birthdate_given=True) for c in raw.get("children", []))
    spouse = _person(raw["spouse"], birthdate_given=False) if raw.get("spouse") is not None else None
    return AttestedFamily(tuple(c for c in children if is_minor(c.born, today)), spouse)


def hold(resident_id: int, family: AttestedFamily) -> None:
    payload = json.dumps(
        {
            "resident": resident_id,
            "at": int(time.time()),
            "children": [asdict(c) for c in family.children],
            "spouse": asdict(family.spouse) if family.spouse else None,
        }
    )
    session[KEY] = base64.urlsafe_b64encode(seal(payload, PURPOSE)).decode()


def peek(resident_id: int) -> AttestedFamily | None:
    """The family attested to this resident within the last ten minutes, if any."""
    raw = session.get(KEY)
    if not raw:
        return None
    try:
        data = json.loads(unseal(base64.urlsafe_b64decode(raw), PURPOSE))
    except ValueError:
        session.pop(KEY, None)
        return None
    if data.get("resident") != resident_id or time.time() - data.get("at", 0) > LIFETIME:
        session.pop(KEY, None)
        return None
    spouse = data.get("spouse")
    return AttestedFamily(
        tuple(AttestedPerson(**c) for c in data["children"]), AttestedPerson(**spouse) if spouse else None
    )


def drop() -> None:
    session.pop(KEY, None)
