"""Who claims: the masked name a unit's inbox shows for each claim, read in one query per page.

An account-mode claim's claimant is the resident who authorized it (name sealed at rest);
a file-mode claim's is the payer the signed bill names. Either way the clerk sees the masked
form only — enough to match a claim to the person at the counter, not enough to misuse.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select, tuple_

from wallet.extensions import db
from wallet.identity import mask_name, unseal
from wallet.models.authorization import Authorization
from wallet.models.bill import BillDocument
from wallet.models.file_claim import FileClaim
from wallet.models.resident import NAME_PURPOSE, Resident


def of_authorizations(rows: Iterable[Authorization]) -> dict[int, str]:
    """Masked resident names by authorization id."""
    rows = list(rows)
    ids = {a.resident_id for a in rows}
    if not ids:
        return {}
    sealed = {rid: enc for rid, enc in db.session.execute(select(Resident.id, Resident.name_enc)
                                                           .where(Resident.id.in_(ids)))}
    names = {rid: mask_name(unseal(enc, NAME_PURPOSE)) for rid, enc in sealed.items()}
    return {a.id: names.get(a.resident_id, "—") for a in rows}


def of_file_claims(rows: Iterable[FileClaim]) -> dict[int, str]:
    """Masked payer names (from the signed documents) by file claim id."""
    rows = list(rows)
    keys = {(c.code, c.number) for c in rows}
    if not keys:
        return {}
    docs = db.session.execute(select(BillDocument.code, BillDocument.number, BillDocument.canonical)
                              .where(tuple_(BillDocument.code, BillDocument.number).in_(keys)))
    payers = {(code, number): json.loads(canonical).get("payer", {}).get("name", "") for code, number, canonical in docs}
    return {c.id: mask_name(payers.get((c.code, c.number), "")) or "—" for c in rows}
