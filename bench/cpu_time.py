"""CPU time that processes spent, read from ``/proc`` before and after a measured window.

Requests per second on a shared two-core machine swing with whatever else runs; the CPU
milliseconds a server spends per request do not, so the load benchmark reports both. A
process's user + system time is fields 14 and 15 of ``/proc/<pid>/stat`` (clock ticks).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float:
    """User + system CPU milliseconds of ``pid`` so far (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (a gunicorn master's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def snapshot(groups: Mapping[str, Iterable[int]]) -> dict[str, dict[int, float]]:
    """CPU milliseconds so far of each process of each named group."""
    return {name: {pid: cpu_ms(pid) for pid in pids} for name, pids in groups.items()}


def spent(before: Mapping[str, Mapping[int, float]]) -> dict[str, float]:
    """CPU milliseconds each group spent since ``before`` (processes present at both ends)."""
    return {name: sum(max(cpu_ms(pid) - start, 0.0) for pid, start in pids.items()) for name, pids in before.items()}
