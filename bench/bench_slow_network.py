"""Other writers while a unit's lock waits on a slow fiscal network (SQLite, the embedded default).

A unit user locks claims over HTTP, one after the other, while another writer commits small
changes (a resident's notification) in a loop; each sample is one such commit, from asking for
the write lock to its commit. Run twice in the same process: once with the network answering
at once (the baseline) and once with every network answer held back 2 s. Before claims were
reserved and recorded in two short transactions, the lock held SQLite's single writer through
the network call and the other writers' p95 followed the network's 2 s.

Figures: ``lock_no_slow_network_write_p95_ms`` (baseline), ``lock_under_slow_network_write_p95_ms``
and their ratio ``lock_slow_network_write_p95_ratio`` (goal: ≤ 2, i.e. the slow call costs other
writers nothing of the network's 2 s).
"""

from __future__ import annotations

import threading
import time

import requests

from bench.bench_live import prepare, unit_session
from bench.harness import build_system, figure, free_port, p95, temp_dir, threaded_server
from common.database import write_transaction
from wallet.extensions import db
from wallet.services import activity

SLOW_MS = 2000
LOCKS = 4


def writes_during(wallet_app, resident_id: int, busy: threading.Event) -> list[float]:
    """Commit one small change after another while ``busy`` is set; milliseconds per commit."""
    samples: list[float] = []
    with wallet_app.app_context():
        while busy.is_set():
            started = time.perf_counter()
            write_transaction(db.session)
            activity.notify(resident_id, "bench", "基准", "慢网络期间的写入")
            db.session.commit()
            samples.append((time.perf_counter() - started) * 1000)
            time.sleep(0.01)
        db.session.remove()
    return samples


def run(
    url: str, unit: requests.Session, token: str, wallet_app, resident_id: int, claims: list[int], latency_ms: int
) -> float:
    requests.post(f"{url}/fiscal/api/v1/_faults", json={"latency_ms": latency_ms}, timeout=10).raise_for_status()
    busy = threading.Event()
    busy.set()
    result: list[float] = []
    writer = threading.Thread(target=lambda: result.extend(writes_during(wallet_app, resident_id, busy)))
    writer.start()
    try:
        for claim in claims:
            answer = unit.post(
                f"{url}/unit/claims/{claim}/lock", data={"csrf_token": token}, allow_redirects=False, timeout=60
            )
            assert answer.status_code == 303, answer.text[:300]
    finally:
        busy.clear()
        writer.join(timeout=60)
        requests.delete(f"{url}/fiscal/api/v1/_faults", timeout=10)
    return p95(result)


def main() -> None:
    with temp_dir() as tmp:
        port = free_port()
        resident_id, _other_resident, claims = prepare(tmp, port)
        system = build_system(tmp, port)
        wallet_app = system.extensions["parts"]["wallet"]
        with threaded_server(system, port) as url:
            unit, token = unit_session(url)
            baseline = run(url, unit, token, wallet_app, resident_id, claims[:LOCKS], 0)
            slow = run(url, unit, token, wallet_app, resident_id, claims[LOCKS : 2 * LOCKS], SLOW_MS)
    figure("lock_no_slow_network_write_p95_ms", baseline, "ms")
    figure("lock_under_slow_network_write_p95_ms", slow, "ms")
    figure("lock_slow_network_write_p95_ratio", slow / baseline, "x")


if __name__ == "__main__":
    main()
