"""Seeding: the demo personas and the wallet's registration, idempotent, with stable subjects."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from common.database import truncate_all
from common.personas import load_personas
from identity_stub.extensions import db
from identity_stub.models import OAuthClient, Person
from identity_stub.seed import add_person, seed_demo_data


def test_seed_demo_adds_every_persona_once_and_registers_the_wallet(idp_app):
    runner = idp_app.test_cli_runner()
    first = runner.invoke(args=["idp", "seed-demo"])
    assert first.exit_code == 0 and "7 personas added" in first.output
    assert "0 personas added" in runner.invoke(args=["idp", "seed-demo"]).output
    with idp_app.app_context():
        people = db.session.scalars(select(Person)).all()
        client = db.session.scalar(select(OAuthClient))
    assert len(people) == len(load_personas())
    assert client.client_id == idp_app.config["WALLET_CLIENT_ID"]
    assert client.redirect_uris == idp_app.config["WALLET_REDIRECT_URIS"].split()
    logout_uris = idp_app.config["WALLET_POST_LOGOUT_REDIRECT_URIS"].split()
    assert json.loads(client.post_logout_redirect_uris_json) == logout_uris


def test_subjects_are_stable_across_reseeding_and_reveal_no_id_number(idp_app):
    with idp_app.app_context():
        seed_demo_data()
        before = {p.id_number: p.sub for p in db.session.scalars(select(Person))}
        db.session.remove()
        truncate_all(db)
        seed_demo_data()
        after = {p.id_number: p.sub for p in db.session.scalars(select(Person))}
    assert before == after
    assert all(number[6:14] not in sub for number, sub in after.items())
    assert len(set(after.values())) == len(after)


def test_a_person_with_a_wrong_id_number_is_never_registered(idp_app):
    persona = load_personas()[0]
    broken = type(persona)(**{**persona.__dict__, "key": "bad", "id_number": persona.id_number[:17] + "1"})
    with idp_app.app_context(), pytest.raises(ValueError, match="校验位不正确"):
        add_person(broken)
