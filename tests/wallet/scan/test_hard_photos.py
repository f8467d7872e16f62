"""Hard photos — steep tilt, curled paper, glare, a dim room, motion blur, heavy JPEG, a far-away
code — are read to their exact QR text, and no hard photo is ever read as another payload.

The photos are smaller than a phone's 12 MP (2000 × 1500) to keep the tests quick, with the
severity set so the code is still plainly visible; the benchmark runs the full-size set.
"""

from __future__ import annotations

import pytest

from tests.wallet.scan.hard_photos import HardShot, check_link, hard_shot, national_link, photograph_hard
from wallet.refusals import Refusal
from wallet.scan.photo import decode_bill_photo

pytestmark = pytest.mark.slow

TEST_SIZE = (2000, 1500)


def shot(kind: str, seed: int, **changes: object) -> HardShot:
    text = national_link(seed) if seed % 2 == 0 else check_link()
    return hard_shot(kind, text, seed, TEST_SIZE).but(**{"size": TEST_SIZE, **changes})


READABLE = [
    pytest.param(shot("tilt", 2, pitch=55, fill=0.9), id="tilted-55-degrees-national-link"),
    pytest.param(shot("tilt", 1, pitch=55, fill=0.9), id="tilted-55-degrees-check-link"),
    pytest.param(shot("curl", 2), id="curled-paper-national-link"),
    pytest.param(shot("curl", 3), id="curled-paper-check-link"),
    pytest.param(shot("glare", 4), id="glare-on-the-code-national-link"),
    pytest.param(shot("glare", 3), id="glare-on-the-code-check-link"),
    pytest.param(shot("dark", 2), id="dim-room-with-noise-national-link"),
    pytest.param(shot("dark", 1), id="dim-room-with-noise-check-link"),
    pytest.param(shot("motion", 2, motion=1.2), id="motion-blur-national-link"),
    pytest.param(shot("jpeg", 3, quality=4), id="jpeg-quality-4-check-link"),
    pytest.param(hard_shot("small", check_link(), 5).but(fill=0.2), id="small-code-in-12mp-check-link"),
]
# Beyond what can be read: each must be refused, never read as something else.
UNREADABLE = [
    shot("motion", 1, motion=2.5),
    shot("tilt", 3, pitch=72, fill=0.6),
    shot("jpeg", 4, quality=2, size=(1000, 750)),
]


@pytest.fixture(scope="module")
def readings() -> dict[HardShot, str]:
    """What each photo was read as (its QR text, or the refusal's code), shared by the tests below."""
    return {}


def read(readings: dict[HardShot, str], hard: HardShot) -> str:
    if hard not in readings:
        try:
            readings[hard] = decode_bill_photo(photograph_hard(hard)).text
        except Refusal as refused:
            readings[hard] = refused.code
    return readings[hard]


@pytest.mark.parametrize("hard", READABLE)
def test_a_hard_photo_is_read_to_its_exact_payload(readings, hard):
    assert read(readings, hard) == hard.text


def test_no_hard_photo_is_read_as_another_payload(readings):
    for hard in [param.values[0] for param in READABLE] + UNREADABLE:
        assert read(readings, hard) in (hard.text, "no_qr_found"), hard
