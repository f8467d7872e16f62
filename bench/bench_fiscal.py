"""How fast the fiscal network stub fills itself, against the raw signing rate of the same machine.

Standalone: ``.venv/bin/python bench/bench_fiscal.py`` (a temporary SQLite database, well
under a minute). Prints ``figure <name> <value> <unit>`` lines.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fiscal_stub import create_app
from fiscal_stub.crypto import derived_private_key, sign
from fiscal_stub.demo import generate, seed_network
from fiscal_stub.extensions import db
from fiscal_stub.models import Bill

PEOPLE = 400
BILLS_PER_PERSON = 25
UNTIL = datetime(2026, 6, 30, tzinfo=UTC)
SIGN_SECONDS = 2.0


def generation_rate(folder: str) -> tuple[float, bytes]:
    """Bills generated, signed and stored per second (network set-up excluded)."""
    app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
    with app.app_context():
        db.create_all()
        seed_network()
        started = time.perf_counter()
        count = generate(PEOPLE, BILLS_PER_PERSON, seed=1, until=UNTIL)
        elapsed = time.perf_counter() - started
        sample = db.session.query(Bill.canonical).limit(1).scalar()
        db.engine.dispose()
    return count / elapsed, sample


def sign_ceiling(document: bytes) -> float:
    """ECDSA P-256 signatures per second over a real canonical bill, one core."""
    key = derived_private_key("bench")
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < SIGN_SECONDS:
        for _ in range(200):
            sign(key, document)
        done += 200
    return done / (time.perf_counter() - started)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bills_per_s, sample = generation_rate(folder)
    print(f"figure fiscal_generate_bills_per_s {bills_per_s:.0f} bills/s")
    print(f"figure sign_ceiling_per_s {sign_ceiling(sample):.0f} ops/s")


if __name__ == "__main__":
    main()
