"""Hard phone photos of paper bills: the shots a person can still make out but a plain decoder misses.

Each kind pushes one thing far past the hand-held mix of ``bill_photos.varied_shots``:
a camera 58–72° off the paper, a sheet whose QR edge curls up off the table, a motion
streak of 1.5–2.5 QR modules, a glare blob that saturates part of the code, a dim room
(5–10 % of the light) with sensor noise, a code at about 2 px per module in a 12 MP frame,
and JPEG quality 2–5. Everything is drawn from a seed, and each photo keeps the exact QR
text it carries, so a reader's answer can be checked character for character.

The bill is drawn as ``bill_photos.bill_sheet`` draws it; the camera here is a pinhole
looking at the sheet in 3-D (pitch, yaw, roll), which gives the foreshortening a real
tilted phone gives rather than a random corner jitter.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import random
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
from PIL import Image

from tests.wallet.scan.bill_photos import BASE_URL, SAMPLE, bill_sheet, qr_image
from wallet.scan.five_elements import FiveElements
from wallet.scan.payload import build_payload_url

KINDS = ("tilt", "curl", "motion", "glare", "dark", "small", "jpeg")
QR_ORIGIN = (120, 110)  # where bill_sheet pastes the code, with its 2-module border
QR_SCALE = 6  # sheet pixels per module
TABLE = (92, 84, 76)
FOCAL = 1.4  # focal length in sheet widths: about a phone's 26 mm-equivalent main camera


def national_link(seed: int) -> str:
    """The national platform's link as real bills print it, with a made-up 32-hex MAC."""
    mac = hashlib.md5(f"bill-{seed}".encode()).hexdigest()
    return (
        "https://www.chinaebill.cn/eips-wxapp-service/d?t=601&a=CZ15"
        "&d=15060126_0000012345_a1b2c3_328.50_20260315&s=" + mac
    )


def check_link(elements: FiveElements = SAMPLE) -> str:
    """The link on the bills the wallet prints itself (shorter, so a smaller QR version)."""
    return build_payload_url(elements, BASE_URL)


@dataclass(frozen=True)
class HardShot:
    """One hard photo: what it carries, and how it was taken (angles in degrees)."""

    kind: str
    text: str
    size: tuple[int, int] = (4000, 3000)
    fill: float = 0.8  # share of the frame's width the bill spans
    pitch: float = 0.0
    yaw: float = 0.0
    roll: float = 0.0
    curl: float = 0.0  # radians the paper has turned by at its left edge
    motion: float = 0.0  # blur streak length, in QR modules
    motion_angle: float = 0.0
    glare: float = 0.0  # peak brightness added, in 8-bit levels
    light: float = 1.0
    noise: float = 3.0
    quality: int = 85
    seed: int = 0

    def but(self, **changes: Any) -> HardShot:
        return replace(self, **changes)

    @property
    def label(self) -> str:
        return f"{self.kind}-{'national' if 'chinaebill' in self.text else 'check'}-{self.seed % 1000}"


def hard_shot(kind: str, text: str, seed: int, size: tuple[int, int] = (4000, 3000)) -> HardShot:
    """A photo of one hard kind, its severity drawn from ``seed``; the rest a careful hand-held shot."""
    rng = random.Random(f"{kind}-{seed}")
    base: dict[str, Any] = dict(
        kind=kind,
        text=text,
        size=size,
        fill=rng.uniform(0.75, 0.9),
        pitch=rng.uniform(-12, 12),
        yaw=rng.uniform(-12, 12),
        roll=rng.uniform(-25, 25),
        noise=rng.uniform(2, 4),
        quality=rng.randint(75, 92),
        seed=seed,
    )
    if kind == "tilt":
        base.update(
            pitch=rng.choice((-1, 1)) * rng.uniform(58, 72), yaw=rng.uniform(-30, 30), fill=rng.uniform(0.55, 0.75)
        )
    elif kind == "curl":
        base.update(curl=rng.uniform(1.0, 1.4))
    elif kind == "motion":
        base.update(motion=rng.uniform(1.5, 2.5), motion_angle=rng.uniform(0, 180))
    elif kind == "glare":
        base.update(glare=rng.uniform(230, 300))
    elif kind == "dark":
        base.update(light=rng.uniform(0.05, 0.1), noise=rng.uniform(4, 7))
    elif kind == "small":
        base.update(fill=rng.uniform(0.18, 0.26), pitch=rng.uniform(-20, 20))
    elif kind == "jpeg":
        base.update(size=(size[0] // 2, size[1] // 2), quality=rng.randint(2, 5))
    else:
        raise ValueError(kind)
    return HardShot(**base)


def hard_shots(count: int, seed: int, size: tuple[int, int] = (4000, 3000)) -> list[HardShot]:
    """``count`` photos cycling through every kind, the payload alternating national link / /check link."""
    rng = random.Random(seed)
    shots = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        text = national_link(rng.randrange(1 << 30)) if (index // len(KINDS)) % 2 == 0 else check_link()
        shots.append(hard_shot(kind, text, rng.randrange(1 << 30), size))
    return shots


@functools.lru_cache(maxsize=4)
def _sheet(text: str) -> np.ndarray:
    return np.asarray(bill_sheet(SAMPLE, qr_texts=(text,)))


def qr_corners(text: str) -> np.ndarray:
    """The code's four corners on the sheet (inside its quiet zone), clockwise from top left."""
    side = qr_image(text, scale=QR_SCALE, border=0).width
    x, y = QR_ORIGIN[0] + 2 * QR_SCALE, QR_ORIGIN[1] + 2 * QR_SCALE
    return np.array([(x, y), (x + side, y), (x + side, y + side), (x, y + side)], dtype=np.float32)


def photograph_hard(shot: HardShot) -> bytes:
    """The JPEG a phone would upload for ``shot``."""
    rng = np.random.default_rng(shot.seed)
    sheet = _sheet(shot.text)
    if shot.curl:
        sheet = curl(sheet, shot.curl)
    homography = camera(sheet.shape[1], sheet.shape[0], shot)
    photo: np.ndarray = cv2.warpPerspective(
        sheet, homography, shot.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=TABLE
    ).astype(np.float32)
    code = cv2.perspectiveTransform(qr_corners(shot.text)[None], homography)[0]
    module = float(np.mean([np.linalg.norm(code[i] - code[(i + 1) % 4]) for i in range(4)]))
    module /= qr_image(shot.text, scale=1, border=0).width
    if shot.glare:
        add_glare(photo, code, shot.glare, rng)
    if shot.motion:
        photo = cv2.filter2D(photo, -1, streak(shot.motion * module, shot.motion_angle))
    photo *= vignette(shot.size)[..., None] * np.float32(shot.light)
    grain = rng.normal(0, shot.noise, (shot.size[1] // 2, shot.size[0] // 2)).astype(np.float32)
    photo += cv2.resize(grain, shot.size, interpolation=cv2.INTER_NEAREST)[..., None]
    buffer = io.BytesIO()
    Image.fromarray(np.clip(photo, 0, 255, out=photo).astype(np.uint8)).save(buffer, "JPEG", quality=shot.quality)
    return buffer.getvalue()


def camera(width: int, height: int, shot: HardShot) -> np.ndarray:
    """The homography from sheet pixels to the frame for a pinhole camera turned by pitch, yaw, roll."""
    p, y, r = (math.radians(a) for a in (shot.pitch, shot.yaw, shot.roll))
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    aspect = height / width
    flat = np.array([(-0.5, -aspect / 2, 0), (0.5, -aspect / 2, 0), (0.5, aspect / 2, 0), (-0.5, aspect / 2, 0)])
    turned = flat @ (rz @ ry @ rx).T + (0, 0, FOCAL)
    seen = turned[:, :2] * FOCAL / turned[:, 2:]
    frame_w, frame_h = shot.size
    span = seen.max(axis=0) - seen.min(axis=0)
    scale = min(shot.fill * frame_w / span[0], 0.96 * frame_h / span[1])
    rng = random.Random(shot.seed)
    room = (np.array(shot.size) - span * scale) / 2
    centre = np.array(shot.size) / 2 + [rng.uniform(-1, 1) * room[0] * 0.5, rng.uniform(-1, 1) * room[1] * 0.5]
    placed = (seen - (seen.max(axis=0) + seen.min(axis=0)) / 2) * scale + centre
    corners = np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=np.float32)
    return cv2.getPerspectiveTransform(corners, placed.astype(np.float32))


def curl(sheet: np.ndarray, angle: float) -> np.ndarray:
    """The sheet seen from above with its left part lifted round a cylinder, ``angle`` rad at the edge.

    The bend starts right of the code, so the code sits on the curve: squeezed more the
    nearer it is to the edge, a little taller where it rises towards the camera, and shaded.
    """
    height, width = sheet.shape[:2]
    start = 750.0  # sheet pixels from the left edge (about 62 mm) where the paper leaves the table
    radius = start / angle
    distance = 2.0 * width  # camera height, for the rise's magnification
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    depth = np.clip(start - xs, 0, None)
    reach = radius * math.sin(angle)
    turn = np.arcsin(np.clip(depth / radius, 0, math.sin(angle)))
    rise = radius * (1 - np.cos(turn))
    map_x = np.where(depth > reach, -1, start - radius * turn).astype(np.float32)
    map_x = np.where(depth > 0, map_x, xs)
    map_y = (height / 2 + (ys - height / 2) * (distance - rise) / distance).astype(np.float32)
    bent = cv2.remap(sheet, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=TABLE)
    shade = (0.8 + 0.2 * np.cos(turn)).astype(np.float32)[..., None]
    return (bent * shade).astype(np.uint8)


def add_glare(photo: np.ndarray, code: np.ndarray, peak: float, rng: np.random.Generator) -> None:
    """A lamp's reflection: a soft bright blob off the code's centre, saturating only its core."""
    side = float(np.linalg.norm(code[1] - code[0]))
    centre = code.mean(axis=0) + rng.uniform(-0.3, 0.3, 2) * side
    sigma = rng.uniform(0.25, 0.4) * side
    left, top = (max(0, int(c - 4 * sigma)) for c in centre)
    right = min(photo.shape[1], int(centre[0] + 4 * sigma))
    bottom = min(photo.shape[0], int(centre[1] + 4 * sigma))
    xs, ys = np.meshgrid(np.arange(left, right, dtype=np.float32), np.arange(top, bottom, dtype=np.float32))
    blob = peak * np.exp(-((xs - centre[0]) ** 2 + (ys - centre[1]) ** 2) / (2 * sigma**2))
    photo[top:bottom, left:right] += blob[..., None]


def streak(length: float, angle: float) -> np.ndarray:
    """A motion-blur kernel: a line ``length`` px long at ``angle`` degrees, summing to one."""
    size = max(3, int(math.ceil(length)) | 1)
    kernel = np.zeros((size, size), np.float32)
    half = (length - 1) / 2
    dx, dy = half * math.cos(math.radians(angle)), half * math.sin(math.radians(angle))
    c = size // 2
    cv2.line(
        kernel,
        (round((c - dx) * 16), round((c - dy) * 16)),
        (round((c + dx) * 16), round((c + dy) * 16)),
        1.0,
        1,
        cv2.LINE_AA,
        shift=4,
    )
    return kernel / kernel.sum()


@functools.lru_cache(maxsize=4)
def vignette(size: tuple[int, int]) -> np.ndarray:
    """Uneven light: the frame's corners about a third darker than its centre."""
    xs = np.linspace(-1, 1, size[0], dtype=np.float32)
    ys = np.linspace(-1, 1, size[1], dtype=np.float32)
    return 1 - (xs[None, :] ** 2 + ys[:, None] ** 2) / 6
