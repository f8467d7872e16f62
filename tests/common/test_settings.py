"""Configuration: environment beats defaults, and production refuses development secrets."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from common.settings import InsecureConfiguration, load
from fiscal_stub.config import SETTINGS as FISCAL
from identity_stub.config import SETTINGS as IDP
from wallet.config import SETTINGS as WALLET

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("WALLET_BASE_URL", "https://wallet.example.cn")
    assert load(WALLET)["WALLET_BASE_URL"] == "https://wallet.example.cn"


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("WALLET_DATABASE_URL", raising=False)
    assert re.search(r"^sqlite:///.*instance/wallet\.db$", load(WALLET)["SQLALCHEMY_DATABASE_URI"])


@pytest.mark.parametrize("settings", [WALLET, IDP, FISCAL])
def test_production_refuses_development_secrets(monkeypatch, settings):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(InsecureConfiguration):
        load(settings)


def test_production_runs_with_real_secrets(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    for s in WALLET:
        if s.secret:
            monkeypatch.setenv(s.env, "a-real-secret-from-the-vault")
    assert load(WALLET)["APP_ENV"] == "production"


def test_every_setting_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [s.env for s in WALLET + IDP + FISCAL if f"`{s.env}`" not in text]
    assert not missing, f"docs/configuration.md lacks {missing}"
