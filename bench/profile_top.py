"""Rank what a py-spy profile of the wallet's workers spent its samples in.

``python -m bench.profile_top <raw file> [lines]`` reads py-spy's raw format (one collapsed
stack and its sample count a line, as ``bench_load`` writes with ``BENCH_LOAD_PROFILE``) and
prints two tables, each as a share of all samples: the project's own functions by the
samples spent in them and everything they called (inclusive), and every function by the
samples spent in itself (self). Line numbers are dropped, so a function counts once per stack.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^():]+)(?::\d+)?\)$")
OWN = ("wallet/", "common/", "bench/")


def frames(stack: str) -> list[str]:
    """``function (file)`` for each Python frame of a collapsed stack, outermost first."""
    named = []
    for raw in stack.split(";"):
        match = FRAME.match(raw)
        if match:
            named.append(f"{match['function']} ({match['file']})")
    return named


def rank(path: Path) -> tuple[int, Counter[str], Counter[str]]:
    total, inclusive, own = 0, Counter[str](), Counter[str]()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples, named = int(count), frames(stack)
        total += samples
        for frame in set(named):
            inclusive[frame] += samples
        if named:
            own[named[-1]] += samples
    return total, inclusive, own


def main() -> None:
    path, lines = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 25
    total, inclusive, own = rank(path)
    print(f"{total} samples")
    print("inclusive, project code:")
    project = [(f, n) for f, n in inclusive.most_common() if any(f"({p}" in f for p in OWN)]
    for frame, samples in project[:lines]:
        print(f"{samples / total:6.1%}  {frame}")
    print("self:")
    for frame, samples in own.most_common(lines):
        print(f"{samples / total:6.1%}  {frame}")


if __name__ == "__main__":
    main()
