"""What the benchmark scripts share: a throwaway system, servers on loopback, and load generation.

Every goal is a ratio against a baseline measured in the same run, so absolute speed of
the machine cancels out. Load goes to 127.0.0.1 only and every run is bounded in time.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402  (after the sys.path set-up above)
from werkzeug.serving import make_server  # noqa: E402  (after the sys.path set-up above)


def figure(name: str, value: float, unit: str) -> None:
    print(f"figure {name} {value:.6g} {unit}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94]


def system_config(db_dir: str, port: int) -> dict[str, dict[str, Any]]:
    base = f"http://127.0.0.1:{port}"
    url = os.environ.get("BENCH_DATABASE_URL_TEMPLATE", f"sqlite:///{db_dir}/{{part}}.db")
    return {
        "wallet": {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": url.format(part="wallet"),
            "WALLET_BASE_URL": base,
            "FISCAL_API_URL": f"{base}/fiscal/api/v1",
            "OIDC_DISCOVERY_URL": f"{base}/idp/.well-known/openid-configuration",
        },
        "idp": {"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": url.format(part="idp")},
        "fiscal": {"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": url.format(part="fiscal")},
    }


def build_system(db_dir: str, port: int) -> Flask:
    from app import build_app
    from wallet.migrate import upgrade_database

    cfg = system_config(db_dir, port)
    combined = build_app(cfg["wallet"], cfg["idp"], cfg["fiscal"])
    parts = combined.extensions["parts"]
    with parts["wallet"].app_context():
        upgrade_database()
    for name in ("idp", "fiscal"):
        with parts[name].app_context():
            parts[name].extensions["sqlalchemy"].create_all()
    return combined


@contextmanager
def temp_dir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bench-") as path:
        yield path


@contextmanager
def threaded_server(app: Flask, port: int) -> Iterator[str]:
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def front_server(app: Flask, port: int) -> Iterator[str]:
    """``app`` as ``make run`` serves it — pages and live stream on uvicorn — in a thread of this process."""
    from wallet.live.front import front, serve_in_thread, stop_serving

    server, thread = serve_in_thread(front(app), port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_serving(server, thread)


@dataclass
class Gunicorn:
    process: subprocess.Popen[bytes]
    url: str


@contextmanager
def gunicorn(module: str, port: int, env: dict[str, str], workers: int = 2) -> Iterator[Gunicorn]:
    """Serve ``module`` with sync workers, as production does; waits until it answers."""
    import requests

    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        module,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
    ]
    # gunicorn reads gunicorn.conf.py from ROOT (production's settings); its access log stays off here,
    # and its workers are not recycled: a worker replaced mid-run takes its CPU count with it (the
    # per-request CPU figures read the workers' own) and starts cold.
    quiet = {"WEB_ACCESS_LOG": "", "WEB_MAX_REQUESTS": "0"}
    process = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **quiet, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        yield Gunicorn(process, url)
    finally:
        process.terminate()
        process.wait(timeout=20)


WRK_LINE = re.compile(r"Requests/sec:\s+([\d.]+)")


def wrk(url: str, seconds: int = 8, connections: int = 8, headers: dict[str, str] | None = None) -> float:
    """Requests per second that wrk sustains against ``url`` (loopback only)."""
    assert url.startswith("http://127.0.0.1:"), "load goes to loopback only"
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    match = WRK_LINE.search(out)
    if not match:
        raise RuntimeError(f"wrk printed no rate:\n{out}")
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    return float(match.group(1))
