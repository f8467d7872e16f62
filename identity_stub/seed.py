"""Who exists at the stub: the demo personas, and the wallet as a registered client.

``seed_demo_data()`` is what ``flask idp seed-demo`` runs and what tests call inside the
stub's app context; it is idempotent, and re-registers the wallet from the current settings.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date

from flask import current_app
from sqlalchemy import select

from common.checksums import resident_id_birthdate, resident_id_problem
from common.personas import Persona, load_households, load_personas
from identity_stub.claims import SCOPES
from identity_stub.extensions import db
from identity_stub.models import Kinship, OAuthClient, Person
from identity_stub.models.kinship import CHILD, SPOUSE
from identity_stub.models.oauth import secret_digest

WALLET_NAME = "票据夹"


def subject_for(id_number: str) -> str:
    """A stable ``sub``: the same person always gets the same one, and it cannot be reversed."""
    key = current_app.config["SUBJECT_KEY"].encode()
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()[:40]


def add_person(persona: Persona) -> Person:
    """Register one person; a wrong ID number never gets in."""
    problem = resident_id_problem(persona.id_number)
    if problem:
        raise ValueError(f"{persona.key}: {problem}")
    person = Person(
        sub=subject_for(persona.id_number),
        name=persona.name,
        id_number=persona.id_number,
        phone=persona.phone,
        birthdate=resident_id_birthdate(persona.id_number),
        gender=persona.gender,
        persona_key=persona.key,
    )
    db.session.add(person)
    return person


def seed_personas() -> int:
    known = set(db.session.scalars(select(Person.id_number)))
    fresh = [p for p in load_personas() if p.id_number not in known]
    for persona in fresh:
        add_person(persona)
    return len(fresh)


def relate(person: Person, kind: str, id_number: str, name: str, birthdate: date) -> None:
    """Record one household relation of ``person`` once; a wrong ID number never gets in."""
    problem = resident_id_problem(id_number)
    if problem:
        raise ValueError(f"{name}: {problem}")
    known = db.session.scalar(
        select(Kinship).where(Kinship.person_id == person.id, Kinship.relative_id_number == id_number)
    )
    if known is None:
        db.session.add(
            Kinship(
                person_id=person.id,
                kind=kind,
                relative_id_number=id_number,
                relative_name=name,
                relative_birthdate=birthdate,
            )
        )


def seed_households() -> None:
    """The demo households: each guardian's children, and each spouse the other."""
    by_key = {p.persona_key: p for p in db.session.scalars(select(Person).where(Person.persona_key.is_not(None)))}
    for household in load_households():
        for key in household.guardians:
            for child in household.children:
                relate(by_key[key], CHILD, child.id_number, child.name, date.fromisoformat(child.birthdate))
        for key in household.spouses:
            for other in (by_key[k] for k in household.spouses if k != key):
                relate(by_key[key], SPOUSE, other.id_number, other.name, other.birthdate)


def register_wallet_client() -> OAuthClient:
    cfg = current_app.config
    client = db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == cfg["WALLET_CLIENT_ID"]))
    if client is None:
        client = OAuthClient(client_id=cfg["WALLET_CLIENT_ID"])
        db.session.add(client)
    client.client_secret_hash = secret_digest(cfg["WALLET_CLIENT_SECRET"])
    client.name = WALLET_NAME
    client.scope = " ".join(SCOPES)
    client.redirect_uris_json = json.dumps(cfg["WALLET_REDIRECT_URIS"].split())
    client.post_logout_redirect_uris_json = json.dumps(cfg["WALLET_POST_LOGOUT_REDIRECT_URIS"].split())
    return client


def seed_demo_data() -> str:
    added = seed_personas()
    db.session.flush()
    seed_households()
    client = register_wallet_client()
    db.session.commit()
    return f"idp: {added} personas added; client {client.client_id} → {', '.join(client.redirect_uris)}"
