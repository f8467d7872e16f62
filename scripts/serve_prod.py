"""The production process layout on one machine: ``make serve-prod``.

Runs what a deployment runs, each as its own process on PostgreSQL: the web tier (uvicorn
processes serving the wallet's pages and its live stream on one port — one machine has no
balancer to route the stream to servers of its own, docs/deploy.md), the worker tier (N
``flask wallet work`` processes), and — standing in for the real 蒙速办 identity provider and the fiscal
network — the two stubs on a server of their own, reached only through the URLs in the
wallet's settings, exactly as the real services would be. docs/deploy.md explains each piece.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests
from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from common.settings import InsecureConfiguration, app_env, is_development, require_real_values
from fiscal_stub.config import SETTINGS as FISCAL_SETTINGS
from identity_stub.config import SETTINGS as IDP_SETTINGS
from wallet.config import SETTINGS as WALLET_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("wallet", "idp", "fiscal")


def stubs() -> Flask:
    """The identity and fiscal stubs without the wallet (``gunicorn 'scripts.serve_prod:stubs()'``)."""
    import fiscal_stub
    import identity_stub

    root = Flask(__name__)
    idp, fiscal = identity_stub.create_app(), fiscal_stub.create_app()
    stubs = DispatcherMiddleware(NotFound(), {"/idp": idp, "/fiscal": fiscal})
    root.wsgi_app = stubs  # type: ignore[method-assign]  # Flask's documented hook for WSGI middleware
    root.extensions["parts"] = {"idp": idp, "fiscal": fiscal}
    return root


def database_urls(admin_url: str) -> dict[str, str]:
    """Each part's URL from its ``<PART>_DATABASE_URL``; unset ones get a local database, created when missing."""
    urls: dict[str, str] = {}
    base = admin_url.rsplit("/", 1)[0]
    for part in PARTS:
        configured = os.environ.get(f"{part.upper()}_DATABASE_URL")
        if configured:
            urls[part] = configured
            continue
        name = f"bill_wallet_{part}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}", flush=True)
        urls[part] = f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    return urls


def layout_environment(host: str, port: int, stub_port: int, urls: dict[str, str]) -> dict[str, str]:
    """Settings that join the processes: each database, and every cross-part URL."""
    wallet, outside = f"http://{host}:{port}", f"http://{host}:{stub_port}"
    return {
        **os.environ,
        "WALLET_DATABASE_URL": urls["wallet"],
        "IDP_DATABASE_URL": urls["idp"],
        "FISCAL_DATABASE_URL": urls["fiscal"],
        "WALLET_BASE_URL": wallet,
        "WALLET_FISCAL_API_URL": f"{outside}/fiscal/api/v1",
        "WALLET_OIDC_DISCOVERY_URL": f"{outside}/idp/.well-known/openid-configuration",
        "IDP_WALLET_REDIRECT_URIS": f"{wallet}/auth/callback",
        "IDP_WALLET_POST_LOGOUT_REDIRECT_URIS": f"{wallet}/auth/logged-out",
    }


def prepare(env: dict[str, str]) -> None:
    """Migrate the wallet, create the stubs' tables, and load demo data when APP_ENV says development."""
    flask = [sys.executable, "-m", "flask", "--app"]
    steps = [["wallet", "wallet", "init-db"], ["identity_stub", "idp", "init-db"], ["fiscal_stub", "fiscal", "init-db"]]
    if is_development(app_env(env)):
        steps += [
            ["fiscal_stub", "fiscal", "seed-demo"],
            ["identity_stub", "idp", "seed-demo"],
            ["wallet", "wallet", "seed-demo"],
        ]
    for step in steps:
        subprocess.run(flask + step, cwd=ROOT, env=env, check=True)


def wait_ready(url: str, seconds: float = 30) -> None:
    """Start the wallet once the services it calls answer, so its first requests find them."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)


def start(args: argparse.Namespace, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
    outside = {**env, "WEB_BIND": f"{args.host}:{args.stub_port}", "WEB_CONCURRENCY": "2", "WEB_ACCESS_LOG": ""}
    processes = [subprocess.Popen(gunicorn + ["scripts.serve_prod:stubs()"], cwd=ROOT, env=outside)]
    wait_ready(f"http://{args.host}:{args.stub_port}/fiscal/readyz")
    web_tier = [sys.executable, "-m", "uvicorn", "--factory", "wallet.live.front:wallet_server"]
    web_tier += ["--host", args.host, "--port", str(args.port), "--workers", str(args.web_workers), "--no-access-log"]
    # Open streams never finish by themselves: end them soon after a stop (browsers reconnect elsewhere).
    web_tier += ["--timeout-graceful-shutdown", "5"]
    processes.append(subprocess.Popen(web_tier, cwd=ROOT, env=env))
    worker = [sys.executable, "-m", "flask", "--app", "wallet", "wallet", "work"]
    processes += [subprocess.Popen(worker, cwd=ROOT, env=env) for _ in range(args.collection_workers)]
    return processes


def supervise(processes: list[subprocess.Popen[bytes]]) -> int:
    """Wait until a signal or until any process ends; then stop them all, so none is left half-running."""
    stopping = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    while not stopping and all(p.poll() is None for p in processes):
        time.sleep(0.5)
    failed = [p for p in processes if p.poll() not in (None, 0)]
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            process.kill()
    return 1 if failed and not stopping else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--stub-port", type=int, default=int(os.environ.get("STUB_PORT", "5001")))
    parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
    parser.add_argument("--collection-workers", type=int, default=int(os.environ.get("COLLECTION_WORKERS", "2")))
    parser.add_argument(
        "--postgres", default=os.environ.get("SERVE_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()
    try:  # before anything starts, so a refused layout leaves nothing half-running
        require_real_values([(WALLET_SETTINGS, None), (IDP_SETTINGS, None), (FISCAL_SETTINGS, None)])
    except InsecureConfiguration as refusal:
        print(refusal.format_message(), file=sys.stderr, flush=True)
        return 2
    env = layout_environment(args.host, args.port, args.stub_port, database_urls(args.postgres))
    prepare(env)
    processes = start(args, env)
    print(
        f"wallet: http://{args.host}:{args.port}/ ({args.web_workers} web workers, "
        f"{args.collection_workers} collection workers); stand-in services: http://{args.host}:{args.stub_port}/",
        flush=True,
    )
    return supervise(processes)


if __name__ == "__main__":
    raise SystemExit(main())
