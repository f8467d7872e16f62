"""Between payers on the network (ID numbers) and residents in the wallet (row ids)."""

from __future__ import annotations

from sqlalchemy import select

from wallet.extensions import db
from wallet.identity import lookup_hash
from wallet.models.resident import Resident


def resident_for_id_number(id_number: str) -> int | None:
    if not id_number:
        return None
    return db.session.scalar(select(Resident.id).where(Resident.id_number_hash == lookup_hash(id_number)))


def id_number_of(resident_id: int) -> str | None:
    resident = db.session.get(Resident, resident_id)
    return resident.id_number if resident else None
