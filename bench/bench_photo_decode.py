"""How often and how fast the server reads a bill's QR code from a phone photo.

Builds a reproducible mix of hand-held photos of generated bills (rotated up to 30°,
perspective, focus blur, JPEG quality 40, mostly 12 MP, some PNG/WebP/HEIC), decodes each
with the wallet's photo reader from the uploaded bytes, and prints:

    figure photo_decode_rate      share of photos that gave the right five elements (goal ≥ 0.95)
    figure photo_decode_ms        median ms per photo, bytes in → five elements out (goal ≤ 100)
    figure photo_decode_baseline_ms  median ms of one bare zxingcpp.read_barcodes call on the
                                     same photos already loaded at full size, for scale

and, in the same run, on a set of hard photos (tests/wallet/scan/hard_photos.py: steep tilt,
curled paper, motion blur, glare, a dim room, a far-away code in 12 MP, heavy JPEG; the
payload alternating the national platform's link and the wallet's own /check link):

    figure photo_hard_rate   share read to exactly the QR text they carry (goal ≥ 0.5)
    figure photo_hard_wrong  photos read as any other text (must be 0)
    figure photo_hard_ms     median ms per hard photo, read or refused

Run: .venv/bin/python -m bench.bench_photo_decode [--count 40] [--hard-count 42] [--seed 2026]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import zxingcpp
from PIL import Image

from common.refusal import Refusal
from tests.wallet.scan.bill_photos import SAMPLE, bill_sheet, photograph, varied_shots
from tests.wallet.scan.hard_photos import KINDS, hard_shots, photograph_hard
from wallet.scan.photo import decode_bill_photo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--hard-count", type=int, default=42)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    started = time.perf_counter()
    sheet = bill_sheet(SAMPLE, seed=args.seed)
    shots = varied_shots(args.count, args.seed)
    photos = [photograph(sheet, shot) for shot in shots]
    built = time.perf_counter() - started

    decoded, spent = 0, []
    for shot, data in zip(shots, photos, strict=True):
        begin = time.perf_counter()
        try:
            right = decode_bill_photo(data).elements == SAMPLE
        except Refusal as refused:
            right = False
            print(f"# not read ({refused.code}): {shot}")
        spent.append((time.perf_counter() - begin) * 1000)
        decoded += right

    bare = []
    for data in photos:
        image = Image.open(io.BytesIO(data))
        image.load()
        begin = time.perf_counter()
        zxingcpp.read_barcodes(image)
        bare.append((time.perf_counter() - begin) * 1000)

    megapixels = statistics.median(s.size[0] * s.size[1] / 1e6 for s in shots)
    print(f"# {len(photos)} photos (median {megapixels:.0f} MP) built in {built:.1f} s, seed {args.seed}")
    print(f"# decode ms: min {min(spent):.0f}, max {max(spent):.0f}")
    print(f"figure photo_decode_rate {decoded / len(photos):.3f} ratio")
    print(f"figure photo_decode_ms {statistics.median(spent):.1f} ms")
    print(f"figure photo_decode_baseline_ms {statistics.median(bare):.1f} ms")
    hard(args.hard_count, args.seed)


def hard(count: int, seed: int) -> None:
    """The hard set: how many are read exactly, how many wrongly, and what a hard photo costs."""
    started = time.perf_counter()
    shots = hard_shots(count, seed)
    photos = [photograph_hard(shot) for shot in shots]
    built = time.perf_counter() - started
    read, wrong, spent = {kind: 0 for kind in KINDS}, 0, []
    for shot, data in zip(shots, photos, strict=True):
        begin = time.perf_counter()
        try:
            text = decode_bill_photo(data).text
        except Refusal:
            text = None
        spent.append((time.perf_counter() - begin) * 1000)
        if text == shot.text:
            read[shot.kind] += 1
        elif text is not None:
            wrong += 1
            print(f"# WRONG: {shot} read as {text!r}")
    per_kind = ", ".join(f"{kind} {read[kind]}/{sum(s.kind == kind for s in shots)}" for kind in KINDS)
    print(f"# {len(photos)} hard photos built in {built:.1f} s, seed {seed}; read: {per_kind}")
    print(f"# hard decode ms: min {min(spent):.0f}, max {max(spent):.0f}")
    print(f"figure photo_hard_rate {sum(read.values()) / len(photos):.3f} ratio")
    print(f"figure photo_hard_wrong {wrong} count")
    print(f"figure photo_hard_ms {statistics.median(spent):.1f} ms")


if __name__ == "__main__":
    main()
