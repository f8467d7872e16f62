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


@pytest.mark.parametrize("settings", [WALLET, IDP, FISCAL])
def test_unset_app_env_counts_as_production(monkeypatch, settings):
    monkeypatch.delenv("APP_ENV", raising=False)
    with pytest.raises(InsecureConfiguration) as refusal:
        load(settings)
    assert refusal.value.names == sorted(s.env for s in settings if "dev-only-" in str(s.default))


@pytest.mark.parametrize("env_name", ["development", "test"])
def test_explicit_development_allows_development_values(monkeypatch, env_name):
    monkeypatch.setenv("APP_ENV", env_name)
    assert load(WALLET)["SECRET_KEY"].startswith("dev-only-")


@pytest.mark.parametrize(("env_name", "secure"), [("development", False), ("test", False), ("production", True)])
def test_cookies_are_secure_unless_development(monkeypatch, env_name, secure):
    monkeypatch.setenv("APP_ENV", env_name)
    for settings, prefix in ((WALLET, "WALLET"), (IDP, "IDP"), (FISCAL, "FISCAL")):
        for s in settings:
            if "dev-only-" in str(s.default):
                monkeypatch.setenv(s.env, "15:a-real-token" if s.env == "FISCAL_PLATFORM_TOKENS" else "real")
        monkeypatch.delenv(f"{prefix}_SECURE_COOKIES", raising=False)
        assert load(settings)["SESSION_COOKIE_SECURE"] is secure
        monkeypatch.setenv(f"{prefix}_SECURE_COOKIES", "false")
        assert load(settings)["SESSION_COOKIE_SECURE"] is False


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


URL_SETTINGS = {  # env name → the default, for make run on HOST:PORT with nothing else set
    "WALLET_BASE_URL": "{origin}",
    "WALLET_FISCAL_API_URL": "{origin}/fiscal/api/v1",
    "WALLET_OIDC_DISCOVERY_URL": "{origin}/idp/.well-known/openid-configuration",
    "IDP_WALLET_REDIRECT_URIS": "{origin}/auth/callback",
    "IDP_WALLET_POST_LOGOUT_REDIRECT_URIS": "{origin}/auth/logged-out",
}


def loaded_by_env(settings) -> dict[str, object]:
    values = load(settings)
    return {s.env: values[s.key] for s in settings}


def serve_on(monkeypatch, host: str, port: str) -> None:
    monkeypatch.setenv("HOST", host)
    monkeypatch.setenv("PORT", port)
    for env in URL_SETTINGS:
        monkeypatch.delenv(env, raising=False)


@pytest.mark.parametrize(
    ("host", "port", "origin"),
    [
        ("127.0.0.1", "5301", "http://127.0.0.1:5301"),
        ("192.168.1.20", "8080", "http://192.168.1.20:8080"),
        ("0.0.0.0", "5302", "http://127.0.0.1:5302"),
    ],
)
def test_every_default_url_follows_host_and_port(monkeypatch, host, port, origin):
    serve_on(monkeypatch, host, port)
    values = {**loaded_by_env(WALLET), **loaded_by_env(IDP), **loaded_by_env(FISCAL)}
    assert {env: values[env] for env in URL_SETTINGS} == {
        env: pattern.format(origin=origin) for env, pattern in URL_SETTINGS.items()
    }
    left_behind = [env for env, value in values.items() if isinstance(value, str) and ":5000" in value]
    assert not left_behind, f"still pointing at port 5000: {left_behind}"


def test_without_host_and_port_the_urls_point_at_port_5000(monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert load(WALLET)["WALLET_BASE_URL"] == "http://127.0.0.1:5000"


def test_explicit_url_settings_win_over_host_and_port(monkeypatch):
    serve_on(monkeypatch, "127.0.0.1", "5301")
    explicit = {env: f"https://{env.lower().replace('_', '-')}.example.cn/x" for env in URL_SETTINGS}
    for env, value in explicit.items():
        monkeypatch.setenv(env, value)
    values = {**loaded_by_env(WALLET), **loaded_by_env(IDP), **loaded_by_env(FISCAL)}
    assert {env: values[env] for env in URL_SETTINGS} == explicit
    configured = load(WALLET, {"WALLET_BASE_URL": "https://wallet.example.cn"})
    assert configured["WALLET_BASE_URL"] == "https://wallet.example.cn"


def test_documented_defaults_of_url_settings_match_the_code(monkeypatch):
    serve_on(monkeypatch, "HOST", "PORT")
    text = DOC.read_text(encoding="utf-8")
    for name in ("HOST", "PORT"):
        assert f"| `{name}` | all |" in text, f"docs/configuration.md lacks {name}"
    values = {**loaded_by_env(WALLET), **loaded_by_env(IDP), **loaded_by_env(FISCAL)}
    for env in URL_SETTINGS:
        assert re.search(rf"^\| `{env}` \| [^|]+ \| `{re.escape(str(values[env]))}` \|", text, re.M), (
            f"docs/configuration.md shows another default for {env} than {values[env]}"
        )
