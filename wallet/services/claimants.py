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
from wallet.models.bill import BillDocument
from wallet.models.claim import Claim
from wallet.models.resident import NAME_PURPOSE, Resident


def of_claims(rows: Iterable[Claim]) -> dict[int, str]:
    """Masked claimant names by claim id, in two queries for a whole page."""
    rows = list(rows)
    account = [c for c in rows if c.source == "account"]
    files = [c for c in rows if c.source == "file"]
    return {**_residents(account), **_payers(files)}


def _residents(rows: list[Claim]) -> dict[int, str]:
    ids = {c.resident_id for c in rows}
    if not ids:
        return {}
    sealed = {
        rid: enc for rid, enc in db.session.execute(select(Resident.id, Resident.name_enc).where(Resident.id.in_(ids)))
    }
    names = {rid: mask_name(unseal(enc, NAME_PURPOSE)) for rid, enc in sealed.items()}
    return {c.id: names.get(c.resident_id, "—") for c in rows}  # type: ignore[arg-type]  # account claims have one


def _payers(rows: list[Claim]) -> dict[int, str]:
    """The payer the signed document names: no resident authorized a file claim."""
    keys = {(c.bill.code, c.bill.number) for c in rows}
    if not keys:
        return {}
    docs = db.session.execute(
        select(BillDocument.code, BillDocument.number, BillDocument.canonical).where(
            tuple_(BillDocument.code, BillDocument.number).in_(keys)
        )
    )
    payers = {
        (code, number): json.loads(canonical).get("payer", {}).get("name", "") for code, number, canonical in docs
    }
    return {c.id: mask_name(payers.get((c.bill.code, c.bill.number), "")) or "—" for c in rows}
