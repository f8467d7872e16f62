"""Keys registered in the first format: a P-256 envelope key becomes a one-key JWK Set (it signs and
receives), an X25519 key, which has no JOSE suite here, is dropped so the unit registers a JWK."""

from __future__ import annotations

import json

import pytest
from alembic import command
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from joserfc.jwk import ECKey
from sqlalchemy import create_engine, text

from wallet.migrate import alembic_config

pytestmark = pytest.mark.slow

BEFORE = "9d3e51c7a2b4"


def pem(key) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_registered_envelope_keys_become_jwk_sets(tmp_path):
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, BEFORE)
        for unit_id, credit in ((1, "12150100MB0K2N6Q32"), (2, "12150100MB0K2N6Q9F")):
            conn.execute(
                text(
                    "INSERT INTO units (id, name, credit_code, code_claim, unit_type, address, legal_rep, contact_name,"
                    " contact_phone, contact_id_enc, contact_id_hash, email, state, applied_at, updated_at) VALUES"
                    " (:id, '测试单位', :credit, :credit, 'other', '地址', '法人', '联系人', '0471-6901234', x'00',"
                    " :hash, 'a@b.cn', 'active', '2026-11-01 00:00:00', '2026-11-01 00:00:00')"
                ),
                {"id": unit_id, "credit": credit, "hash": f"h{unit_id}"},
            )
        for unit_id, key in ((1, p256), (2, x25519.X25519PrivateKey.generate().public_key())):
            conn.execute(
                text(
                    "INSERT INTO api_credentials (id, unit_id, app_id, app_key_enc, key_version, key_issued_at,"
                    " envelope_alg, envelope_kid, envelope_public_pem, envelope_registered_at, created_at) VALUES"
                    " (:id, :id, :app, x'00', 1, '2026-11-01 00:00:00', 'ECDH-ES+A256GCM/P-256', 'ek-0', :pem,"
                    " '2026-11-02 00:00:00', '2026-11-01 00:00:00')"
                ),
                {"id": unit_id, "app": f"bw{unit_id}", "pem": pem(key)},
            )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        rows = dict(conn.execute(text("SELECT unit_id, unit_jwks FROM api_credentials")).all())
    expected = ECKey.import_key(pem(p256))
    assert json.loads(rows[1]) == {"keys": [{**expected.as_dict(private=False), "kid": expected.thumbprint()}]}
    assert rows[2] is None
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, BEFORE)
    engine.dispose()
