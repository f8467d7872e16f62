"""The ``family`` scope's claim: the person's minor children and spouse, as the household records say.

It travels inside the signed ID token like every other claim, so the wallet relies on it only
after checking the provider's signature. Children who have come of age are not attested: a
guardian's link ends by itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from common.adulthood import is_minor
from common.timeutil import to_local, utcnow
from identity_stub.extensions import db
from identity_stub.models import Kinship, Person
from identity_stub.models.kinship import CHILD, SPOUSE


def family_claim(person: Person, today: date | None = None) -> dict[str, Any]:
    today = today or to_local(utcnow()).date()
    rows = db.session.scalars(
        select(Kinship).where(Kinship.person_id == person.id).order_by(Kinship.relative_birthdate, Kinship.id)
    ).all()
    children = [
        {"id_number": r.relative_id_number, "name": r.relative_name, "birthdate": r.relative_birthdate.isoformat()}
        for r in rows
        if r.kind == CHILD and is_minor(r.relative_birthdate, today)
    ]
    spouse = next(
        ({"id_number": r.relative_id_number, "name": r.relative_name} for r in rows if r.kind == SPOUSE), None
    )
    return {"as_of": today.isoformat(), "children": children, "spouse": spouse}
