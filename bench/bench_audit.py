"""How many audit entries a second the one hash chain takes on PostgreSQL, against appends with no chain.

Every audited action appends to one chain (``wallet.audit``): the appender takes one advisory
lock, reads the head, inserts after it and commits, so appends run one at a time whatever the
number of web processes, and each holds the lock through its commit. Bill views append too, so
this rate bounds the bill pages a second of the whole deployment. Several processes (the web
workers of a larger site) each append ``bill.view`` entries through ``audit.record_now``, as a
bill page does, for a few seconds; the baseline is the same processes appending the same rows,
hashed alike, to a table of the same shape with no chain (no lock, no head read), as a chain per
partition would come close to. One process appending alone is measured too: the rate no number
of processes can raise much while there is one chain.

Figures: audit_appends_per_s (the chain, WRITERS processes), audit_appends_per_s_1 (one process),
audit_unchained_appends_per_s (the baseline, WRITERS processes), audit_chain_vs_unchained.
Run: ``APP_ENV=development .venv/bin/python -m bench.bench_audit`` (needs PostgreSQL, see
bench_load's ``BENCH_POSTGRES_URL``); under a minute.
"""

from __future__ import annotations

import multiprocessing
import time
from types import SimpleNamespace
from typing import Any

from sqlalchemy import text

import wallet
from bench.bench_load import postgres_databases
from bench.harness import figure
from common.timeutil import utcnow
from wallet import audit
from wallet.audit_chain import GENESIS, digest
from wallet.extensions import db
from wallet.migrate import upgrade_database

WRITERS = 8
SECONDS = 6
UNCHAINED = "bench_unchained_audit"


def app_for(url: str) -> Any:
    return wallet.create_app({"SQLALCHEMY_DATABASE_URI": url, "APP_ENV": "test"})


def append_chained(writer: int, serial: int) -> None:
    audit.record_now("bill.view", f"resident:{writer}", f"bill:{serial}")


def append_unchained(writer: int, serial: int) -> None:
    """The same row as ``append_chained`` writes, hashed the same way, into a table no lock guards."""
    values = {
        "at": utcnow(),
        "actor_kind": "resident",
        "actor_id": str(writer),
        "action": "bill.view",
        "subject": f"bill:{serial}",
        "detail": "{}",
        "prev_hash": GENESIS,
    }
    values["hash"] = digest(SimpleNamespace(id=serial, **{**values, "detail": {}}))
    db.session.execute(
        text(
            f"INSERT INTO {UNCHAINED} (at, actor_kind, actor_id, action, subject, detail, prev_hash, hash) "
            "VALUES (:at, :actor_kind, :actor_id, :action, :subject, CAST(:detail AS json), :prev_hash, :hash)"
        ),
        values,
    )
    db.session.commit()


APPENDERS = {"chained": append_chained, "unchained": append_unchained}


def writer_process(url: str, kind: str, writer: int, start: Any, results: Any) -> None:
    """Append for ``SECONDS`` from the moment every writer is ready; report how many."""
    app = app_for(url)
    append = APPENDERS[kind]
    with app.app_context():
        append(writer, 0)  # the connection made and the statements compiled before the clock starts
        start.wait()
        count, deadline = 0, time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            count += 1
            append(writer, count)
        db.engine.dispose()
    results.put(count)


def rate(url: str, kind: str, writers: int) -> float:
    """Appends a second that ``writers`` processes sustain together."""
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(writers), spawn.Queue()
    processes = [spawn.Process(target=writer_process, args=(url, kind, i, start, results)) for i in range(writers)]
    for process in processes:
        process.start()
    total = sum(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=30)
    return total / SECONDS


def main() -> None:
    with postgres_databases() as template:
        url = template.format(part="wallet")
        app = app_for(url)
        with app.app_context():
            upgrade_database()
            db.session.execute(
                text(f"CREATE TABLE {UNCHAINED} (LIKE audit_entries INCLUDING DEFAULTS INCLUDING INDEXES)")
            )
            db.session.execute(text(f"ALTER TABLE {UNCHAINED} ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY"))
            db.session.commit()
            db.engine.dispose()
        chained = rate(url, "chained", WRITERS)
        alone = rate(url, "chained", 1)
        unchained = rate(url, "unchained", WRITERS)
        with app.app_context():
            appended = db.session.scalar(text("SELECT count(*) FROM audit_entries"))
            report = audit.verify_chain()
            db.engine.dispose()
    assert report.intact and report.checked == appended, f"the chain broke under {WRITERS} writers: {report}"
    figure("audit_appends_per_s", chained, "entries/s")
    figure("audit_appends_per_s_1", alone, "entries/s")
    figure("audit_unchained_appends_per_s", unchained, "entries/s")
    figure("audit_chain_vs_unchained", chained / unchained, "ratio")
    print(f"# {appended} entries appended by {WRITERS} and 1 processes, the chain intact", flush=True)


if __name__ == "__main__":
    main()
