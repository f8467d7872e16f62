"""Activation of the personal digital account, and keeping it in step with 蒙速办's real-name data."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from common.database import write_transaction
from common.timeutil import utcnow
from wallet.auth.identity import VerifiedIdentity
from wallet.extensions import db
from wallet.identity import lookup_hash, seal
from wallet.models import Resident
from wallet.models.resident import ID_NUMBER_PURPOSE, NAME_PURPOSE


def find_resident(identity: VerifiedIdentity) -> Resident | None:
    """The account of this person: by ``sub``, or by ID number if the provider's ``sub`` changed."""
    return db.session.scalar(
        select(Resident)
        .where(
            or_(
                Resident.oidc_sub == identity.sub,
                Resident.id_number_hash == lookup_hash(identity.id_number),
            )
        )
        .order_by((Resident.oidc_sub == identity.sub).desc())
        .limit(1)
    )


def _sync(resident: Resident, identity: VerifiedIdentity) -> None:
    resident.oidc_sub = identity.sub
    if identity.locale and not resident.locale_chosen:  # a choice made on 我的 outlasts every login
        resident.locale = identity.locale
    if resident.name != identity.name:
        resident.name_enc = seal(identity.name, NAME_PURPOSE)
    digest = lookup_hash(identity.id_number)
    if resident.id_number_hash != digest:
        resident.id_number_hash = digest
        resident.id_number_enc = seal(identity.id_number, ID_NUMBER_PURPOSE)


def activate_account(identity: VerifiedIdentity, terms_version: str) -> Resident:
    """Open the account (or record acceptance of new terms) for a person who accepted ``terms_version``.

    A held account of the person (the bills their guardians collected while they were a minor)
    becomes their own here: the row keeps its bills and history and loses the held mark."""
    now = utcnow()
    write_transaction(db.session)  # found and created under one write lock
    resident = find_resident(identity)
    if resident is None:
        resident = Resident(
            oidc_sub=identity.sub,
            name_enc=seal(identity.name, NAME_PURPOSE),
            id_number_enc=seal(identity.id_number, ID_NUMBER_PURPOSE),
            id_number_hash=lookup_hash(identity.id_number),
            activated_at=now,
            locale=identity.locale,
        )
        db.session.add(resident)
    else:
        _sync(resident, identity)
        if resident.held_since is not None:  # a wallet held for them as a child: now their own
            resident.held_since, resident.activated_at = None, now
    resident.terms_version = terms_version
    resident.terms_accepted_at = now
    resident.last_login_at = now
    try:
        db.session.commit()
    except IntegrityError:  # the same acceptance submitted twice at once: the other one won
        db.session.rollback()
        existing = find_resident(identity)
        if existing is None:
            raise
        return existing
    return resident


def record_login(resident: Resident, identity: VerifiedIdentity) -> None:
    write_transaction(db.session)
    _sync(resident, identity)
    resident.last_login_at = utcnow()
    db.session.commit()
