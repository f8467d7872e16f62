"""Phone photos of paper bills, made from generated bills, for the photo tests and the benchmark.

A bill sheet is drawn at print resolution (12 px per mm, A5 landscape) with its QR code,
title, five elements, item table, seal and paper grain; ``photograph`` then does to it
what a hand-held phone does: a table around it, rotation, a tilted camera (perspective),
uneven light, focus blur, sensor noise and a lossy encoder.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pillow_heif
import segno
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from wallet.scan.five_elements import FiveElements
from wallet.scan.payload import build_payload_url

BASE_URL = "http://127.0.0.1:5000"
SAMPLE = FiveElements(
    code="15060126", number="0000012345", check="a1b2c3", issued_on=date(2026, 3, 15), amount_fen=32850
)
SHEET_SIZE = (2520, 1776)  # A5 landscape at 12 px/mm
PAPER = (246, 244, 236)
INK = (40, 40, 48)
RED = (196, 48, 40)

pillow_heif.register_heif_opener()


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The CJK font the test machine carries; Latin-only fallback keeps the sheet drawable."""
    try:
        return ImageFont.truetype("wqy-microhei.ttc", size)
    except OSError:
        return ImageFont.load_default(size)


def qr_image(text: str, scale: int, border: int = 2) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(text, micro=False).save(buffer, kind="png", scale=scale, border=border)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def bill_sheet(elements: FiveElements = SAMPLE, qr_texts: tuple[str, ...] | None = None, seed: int = 0) -> Image.Image:
    """A printed e-bill: QR top left, title, five elements top right, item table, seal.

    ``qr_texts`` replaces the bill's own QR code: empty for none, a second text adds a
    code (a hospital's app, say) on the item table.
    """
    rng = random.Random(seed)
    sheet = Image.new("RGB", SHEET_SIZE, PAPER)
    draw = ImageDraw.Draw(sheet)
    texts = qr_texts if qr_texts is not None else (build_payload_url(elements, BASE_URL),)
    if texts:
        sheet.paste(qr_image(texts[0], scale=6), (120, 110))
    draw.text((760, 120), "内蒙古自治区医疗门诊收费票据（电子）", fill=RED, font=font(64))
    small = font(34)
    right = [
        f"票据代码：{elements.code}",
        f"票据号码：{elements.number}",
        f"校验码：{elements.check}",
        f"开票日期：{elements.issued_on:%Y-%m-%d}",
    ]
    for row, line in enumerate(right):
        draw.text((1800, 250 + row * 52), line, fill=INK, font=small)
    draw.rectangle((120, 520, 2400, 1560), outline=INK, width=3)
    for row in range(1, 9):
        y = 520 + row * 116
        draw.line((120, y, 2400, y), fill=INK, width=2)
    for x in (700, 1100, 1500, 1900):
        draw.line((x, 520, x, 1560), fill=INK, width=2)
    items = ["西药费", "检查费", "治疗费", "化验费", "诊察费", "材料费", "中成药费"]
    for row in range(8):
        name = rng.choice(items)
        draw.text((150, 560 + row * 116), f"{name}  {rng.randint(1, 99):>3}", fill=INK, font=small)
        draw.text((1550, 560 + row * 116), f"{rng.randint(100, 99999) / 100:.2f}", fill=INK, font=small)
    draw.text((150, 1600), f"合计（小写）：{elements.amount_text}    交款人：张某某", fill=INK, font=small)
    for text in texts[1:]:
        sheet.paste(qr_image(text, scale=6), (1150, 700))
    draw.ellipse((1900, 1420, 2300, 1740), outline=RED, width=10)
    draw.text((1985, 1555), "收费专用章", fill=RED, font=font(44))
    grain = noise((SHEET_SIZE[0] // 4, SHEET_SIZE[1] // 4), 10, rng).resize(SHEET_SIZE)
    return ImageChops.multiply(sheet, Image.merge("RGB", [grain.point(lambda v: 215 + v // 6)] * 3))


def noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    """Grain around mid-grey with about ``sigma`` spread, reproducible from ``rng``."""
    spread = sigma * 1.7  # uniform noise of half-width a has a standard deviation of a / √3
    raw = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    return raw.point(lambda v: max(0, min(255, round(128 + (v - 128) * spread / 128))))


@dataclass(frozen=True)
class Shot:
    """How one photo is taken and saved."""

    size: tuple[int, int] = (1600, 1200)
    fill: float = 0.8  # share of the photo's width the bill spans
    rotate: float = 0.0  # degrees, anticlockwise
    tilt: float = 0.0  # perspective: how far each corner strays, as a share of the photo's short side
    blur: float = 0.0  # Gaussian radius in photo pixels
    noise: float = 6.0
    format: str = "JPEG"
    quality: int = 85
    exif_orientation: int = 1
    seed: int = 0

    def but(self, **changes: Any) -> Shot:
        return replace(self, **changes)


def photograph(sheet: Image.Image, shot: Shot) -> bytes:
    """The encoded photo file a phone would upload.

    Placement, rotation and tilt are one perspective transform from the sheet into the
    frame, and focus blur is applied to the smaller sheet first, so a 12 MP photo costs
    one resampling pass at full size.
    """
    rng = random.Random(shot.seed)
    width, height = shot.size
    quad = bill_quad(sheet.size, shot, rng)
    scale = math.dist(quad[0], quad[1]) / sheet.width
    while scale < 0.6 and sheet.width > 800:
        sheet, scale = sheet.reduce(2), scale * 2
    if shot.blur:
        sheet = sheet.filter(ImageFilter.GaussianBlur(shot.blur / scale))
    corners: list[tuple[float, float]] = [(0, 0), (sheet.width, 0), (sheet.width, sheet.height), (0, sheet.height)]
    coeffs = perspective_coefficients(quad, corners)
    photo = sheet.transform(
        shot.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=(96, 88, 80)
    )
    light = Image.radial_gradient("L").point(lambda v: 255 - v // 3).resize(shot.size, Image.Resampling.BILINEAR)
    photo = ImageChops.multiply(photo, Image.merge("RGB", [light] * 3))
    if shot.noise:
        grain = noise((width // 2, height // 2), shot.noise, rng).resize(shot.size, Image.Resampling.BILINEAR)
        photo = ImageChops.add(photo, Image.merge("RGB", [grain] * 3), offset=-128)
    return encode(photo, shot)


def bill_quad(sheet_size: tuple[int, int], shot: Shot, rng: random.Random) -> list[tuple[float, float]]:
    """Where the sheet's four corners land in the frame: scaled, rotated, tilted, kept in view."""
    width, height = shot.size
    half_w = shot.fill * width / 2
    half_h = half_w * sheet_size[1] / sheet_size[0]
    turn = math.radians(-shot.rotate)
    cos, sin = math.cos(turn), math.sin(turn)
    quad = []
    for dx, dy in ((-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)):
        jitter = shot.tilt * min(width, height)
        quad.append(
            (dx * cos - dy * sin + rng.uniform(-jitter, jitter), dx * sin + dy * cos + rng.uniform(-jitter, jitter))
        )
    span_x = max(x for x, _ in quad) - min(x for x, _ in quad)
    span_y = max(y for _, y in quad) - min(y for _, y in quad)
    shrink = min(1.0, 0.96 * width / span_x, 0.96 * height / span_y)
    room_x, room_y = (width - span_x * shrink) / 2, (height - span_y * shrink) / 2
    centre_x = width / 2 + rng.uniform(-room_x, room_x) * 0.5
    centre_y = height / 2 + rng.uniform(-room_y, room_y) * 0.5
    mid_x = (max(x for x, _ in quad) + min(x for x, _ in quad)) / 2
    mid_y = (max(y for _, y in quad) + min(y for _, y in quad)) / 2
    return [(centre_x + (x - mid_x) * shrink, centre_y + (y - mid_y) * shrink) for x, y in quad]


def encode(photo: Image.Image, shot: Shot) -> bytes:
    if shot.exif_orientation != 1:
        photo = photo.transpose(_UNDO_ORIENTATION[shot.exif_orientation])
    exif = Image.Exif()
    exif[0x0112] = shot.exif_orientation
    buffer = io.BytesIO()
    if shot.format == "JPEG":
        photo.save(buffer, "JPEG", quality=shot.quality, exif=exif)
    elif shot.format == "PNG":
        photo.save(buffer, "PNG", compress_level=1)
    elif shot.format == "HEIF":
        photo.save(buffer, "HEIF", quality=shot.quality, exif=exif, enc_params={"preset": "ultrafast"})
    else:
        photo.save(buffer, shot.format, quality=shot.quality, exif=exif)
    return buffer.getvalue()


# What the camera stores for each EXIF orientation: the viewer applies the tag to get back upright.
_UNDO_ORIENTATION = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def perspective_coefficients(output: list[tuple[float, float]], source: list[tuple[float, float]]) -> list[float]:
    """The eight numbers Pillow's PERSPECTIVE transform takes, mapping output corners to source ones."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(output, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    return solve(rows, rhs)


def solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gauss–Jordan elimination with partial pivoting for the small 8×8 system above."""
    size = len(rhs)
    rows = [row[:] + [value] for row, value in zip(matrix, rhs, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(size):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][size] / rows[i][i] for i in range(size)]


SIZES = [(4000, 3000), (4000, 3000), (3000, 4000), (4032, 3024), (2000, 1500), (1600, 1200)]


def varied_shots(count: int, seed: int) -> list[Shot]:
    """A reproducible mix of hand-held photos: every angle to 30°, tilt, blur, JPEG q40, 12 MP.

    Blur is scaled to the QR module's size in the photo: a phone that focused badly blurs
    by a share of a module, and a code blurred by more than half a module is unreadable
    to any decoder, so it would not measure the decoder.
    """
    rng = random.Random(seed)
    shots = []
    for index in range(count):
        size = SIZES[index % len(SIZES)]
        fill = rng.uniform(0.7, 0.92)
        module_px = 6 * fill * min(size) / SHEET_SIZE[0] * (4 / 3 if size[0] > size[1] else 1)
        shots.append(
            Shot(
                size=size,
                fill=fill,
                rotate=rng.uniform(-30, 30),
                tilt=rng.uniform(0, 0.12),
                blur=round(module_px * rng.uniform(0, 0.35), 2),
                noise=rng.uniform(3, 9),
                format="JPEG" if size[0] * size[1] > 3_000_000 else rng.choice(["JPEG", "PNG", "WEBP", "HEIF"]),
                quality=40 if index % 2 == 0 else rng.randint(70, 92),
                exif_orientation=rng.choice([1, 1, 1, 6, 8, 3]),
                seed=rng.randrange(1 << 30),
            )
        )
    return shots
