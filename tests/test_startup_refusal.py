"""Fail closed: with APP_ENV unset and development secrets, no entry point starts, and each says what to set.

Every check starts a real process (flask, gunicorn, ``make serve-prod``'s script) the way an
operator would, from an environment without ``APP_ENV`` and without any secret set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from fiscal_stub.config import SETTINGS as FISCAL
from identity_stub.config import SETTINGS as IDP
from tests.support.live_server import free_port, production_values
from wallet.config import SETTINGS as WALLET

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DEV_NAMED = {
    part: sorted(s.env for s in settings if "dev-only-" in str(s.default))
    for part, settings in (("wallet", WALLET), ("idp", IDP), ("fiscal", FISCAL))
}
EVERY_DEV_SETTING = sorted(name for names in DEV_NAMED.values() for name in names)


def fresh_machine(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a machine nobody configured: no APP_ENV, no setting of any part, own databases."""
    declared = {s.env for s in WALLET + IDP + FISCAL}
    env = {k: v for k, v in os.environ.items() if k != "APP_ENV" and k not in declared}
    env.update(
        {f"{part.upper()}_DATABASE_URL": f"sqlite:///{tmp_path}/{part}.db" for part in ("wallet", "idp", "fiscal")}
    )
    env.update(extra)
    return env


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def assert_refused_naming(done: subprocess.CompletedProcess[str], names: list[str]) -> None:
    assert done.returncode != 0, done.stdout + done.stderr
    assert "refusing to start" in done.stderr
    assert "APP_ENV=development" in done.stderr
    missing = [name for name in names if name not in done.stderr]
    assert not missing, f"the refusal does not name {missing}:\n{done.stderr}"


def test_every_part_declares_development_secrets():
    assert all(DEV_NAMED.values()) and "FISCAL_PLATFORM_TOKENS" in DEV_NAMED["fiscal"]


def test_flask_refuses_to_start_and_names_every_setting_of_every_part(tmp_path):
    done = run([sys.executable, "-m", "flask", "--app", "app", "routes"], fresh_machine(tmp_path))
    assert_refused_naming(done, EVERY_DEV_SETTING)
    assert "Traceback" not in done.stderr


def test_gunicorn_refuses_to_load_the_combined_app(tmp_path):
    env = fresh_machine(tmp_path, WEB_BIND=f"127.0.0.1:{free_port()}", WEB_CONCURRENCY="1")
    done = run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:app"], env)
    assert_refused_naming(done, EVERY_DEV_SETTING)


def test_gunicorn_refuses_the_wallet_factory_of_the_production_layout(tmp_path):
    env = fresh_machine(tmp_path, WEB_BIND=f"127.0.0.1:{free_port()}", WEB_CONCURRENCY="1")
    done = run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wallet:create_app()"], env)
    assert_refused_naming(done, DEV_NAMED["wallet"])


def test_serve_prod_refuses_before_starting_anything(tmp_path):
    env = fresh_machine(tmp_path, SERVE_POSTGRES_URL="postgresql://postgres@127.0.0.1:9/postgres")
    done = run([sys.executable, "-m", "scripts.serve_prod", "--port", str(free_port())], env)
    assert_refused_naming(done, EVERY_DEV_SETTING)
    assert "created database" not in done.stdout


def test_one_real_secret_is_not_enough(tmp_path):
    env = fresh_machine(tmp_path, WALLET_SECRET_KEY="a-real-secret-from-the-vault")
    done = run([sys.executable, "-m", "flask", "--app", "app", "routes"], env)
    assert_refused_naming(done, [name for name in EVERY_DEV_SETTING if name != "WALLET_SECRET_KEY"])
    assert "WALLET_SECRET_KEY" not in done.stderr


def test_explicit_development_starts_and_serves_every_part(tmp_path):
    port = free_port()
    env = fresh_machine(
        tmp_path, APP_ENV="development", WEB_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", WEB_ACCESS_LOG=""
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answers = wait_for_health(f"http://127.0.0.1:{port}", server)
        assert answers == {"/healthz": 200, "/idp/healthz": 200, "/fiscal/healthz": 200}
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_health(base: str, server: subprocess.Popen[str], seconds: float = 60) -> dict[str, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            said = server.stderr.read() if server.stderr else ""
            raise AssertionError(f"the server ended ({server.returncode}): {said}")
        try:
            return {
                path: requests.get(base + path, timeout=5).status_code
                for path in ("/healthz", "/idp/healthz", "/fiscal/healthz")
            }
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer in time")


def test_demo_units_are_seeded_only_when_app_env_says_development(tmp_path):
    from wallet import create_app
    from wallet.demo import seed_demo_data

    app = create_app(
        {
            **production_values(WALLET),
            "APP_ENV": "staging",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/wallet.db",
        }
    )
    with app.app_context():
        assert seed_demo_data().endswith("nothing seeded outside development")
