"""The system as gunicorn serves it for load benchmarks (``gunicorn bench.bench_app:app``).

Configured by ``BENCH_DB_DIR`` and ``BENCH_PORT``; adds the benchmark-only routes.
"""

from __future__ import annotations

import os

from app import build_app
from bench.bench_routes import add_bench_routes
from bench.harness import system_config

_cfg = system_config(os.environ["BENCH_DB_DIR"], int(os.environ["BENCH_PORT"]))
app = add_bench_routes(build_app(_cfg["wallet"], _cfg["idp"], _cfg["fiscal"]))
