"""gunicorn settings for the web tier: ``gunicorn -c gunicorn.conf.py app:app``.

Every value comes from an environment variable so one image serves any machine
(docs/deploy.md lists them). Sync workers: pages are short and CPU-bound (templates,
signature checks), and one request per process keeps a slow page from stalling others
queued behind it on the same worker. Scale by processes here and by machines behind the
load balancer; every process is stateless (sessions are signed cookies, everything else
is in the database). The open pages' live streams are not served here: a stream would pin
a sync worker for as long as its page is open, so they go to the stream tier
(``wallet.live.front:stream_server`` on uvicorn; docs/deploy.md).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    return default if not raw else raw in {"1", "true", "yes", "on"}


bind = os.environ.get("WEB_BIND", "127.0.0.1:8000").split()
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"

# A request may wait on the fiscal network: 3 attempts of at most 10 s plus back-off
# (wallet/clients/fiscal.py). The worker timeout must outlast that, or gunicorn kills a
# worker that is merely waiting and the resident gets a 502 instead of a clear message.
timeout = _int("WEB_TIMEOUT", 60)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
# Keep-alive only matters between the load balancer and this process; keep it short so a
# sync worker is not held by an idle connection.
keepalive = _int("WEB_KEEPALIVE", 2)

# Recycle workers now and then so slow leaks (caches, fragmentation) cannot build up; the
# jitter stops every worker from restarting at the same moment.
max_requests = _int("WEB_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10

# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto so the wallet builds https
# links and secure cookies apply. List the proxies' addresses, never "*" on an open network.
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Load the application once in the master and fork workers from it: less memory per worker
# and a broken release fails at start, not in every worker. The database pools created at
# import are not shared with children (see post_fork).
preload_app = _flag("WEB_PRELOAD", True)

# Heartbeat files on tmpfs: a worker blocked on a slow disk is not mistaken for a hung one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
errorlog = "-"
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
# Path without the query string: queries carry search words and the five elements of bills
# people check, which have no place in logs. %(D)s is the time taken in microseconds.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus %(p)s'

# Processes are started and stopped by the supervisor (systemd, the orchestrator) through
# signals; a control socket at a per-user default path would collide between the several
# gunicorn instances one host may run.
control_socket_disable = True


def post_fork(server: Any, worker: Any) -> None:
    """Give each worker fresh database connections: a socket inherited from the master must not be shared."""
    app = getattr(server.app, "callable", None)
    extensions = getattr(app, "extensions", {})
    apps = list(extensions.get("parts", {}).values()) or ([app] if "sqlalchemy" in extensions else [])
    for part in apps:
        with part.app_context():
            part.extensions["sqlalchemy"].engine.dispose(close=False)
