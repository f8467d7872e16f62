"""Read a bill's QR code from a phone photo that a resident uploads.

Uploads are untrusted: the type is decided by the file's own bytes, the byte size and the
pixel count are capped before any pixel is decoded (a small PNG can claim a gigapixel),
and every failure becomes a :class:`Refusal` with a stable code and a Chinese
message, never an unhandled error.

Decoding tries the cheap reading first and stops at the first QR code that names a
bill: a grayscale image of about 2000 px on its long side (JPEG decodes straight to that
size, which is most of the speed), then a sharpened copy for out-of-focus shots, then the
full resolution for codes photographed from far away. Only when all of those fail do the
harder readings of :mod:`wallet.scan.rescue` run (a dim or glared code, a steep tilt, a
curled sheet), so a fair photo costs what it did.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pillow_heif
import zxingcpp
from PIL import Image, ImageFilter

from common.translatable import gettext
from wallet.refusals import Refusal
from wallet.scan.five_elements import FiveElements
from wallet.scan.payload import QrReading, read_payload
from wallet.scan.rescue import Located, harder_readings

DEFAULT_MAX_BYTES = 15 * 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000  # above the 48 MP sensors phones ship; 12 MP is typical
WORKING_SIDE = 2000  # the decoder reads best at 1000–2000 px; JPEG can decode straight to it
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
QR_CODES = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)

ORIENTATION_TAG = 0x0112
# How to turn the stored pixels upright for each EXIF orientation a camera records.
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

pillow_heif.register_heif_opener()


@dataclass(frozen=True)
class DecodedPhoto:
    """The QR text as read, and what it carries of a bill (not yet verified with the fiscal network)."""

    text: str
    reading: QrReading

    @property
    def elements(self) -> FiveElements:
        """The five elements, or ``incomplete_bill_qr`` when the code does not carry them all."""
        return self.reading.elements()


def sniff_image_format(data: bytes) -> str | None:
    """The Pillow format name the bytes really are (JPEG, PNG, WEBP, HEIF), or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        box_size = int.from_bytes(data[:4], "big")
        brands = {data[offset : offset + 4] for offset in range(8, min(box_size, 64), 4)}
        if brands & HEIF_BRANDS:
            return "HEIF"
    return None


# When no code in a photo names a bill, the refusal that helps the person most is told.
_USEFUL = ("malformed_bill_qr", "vat_invoice_qr", "not_a_bill_qr")


def decode_bill_photo(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pixels: int = DEFAULT_MAX_PIXELS
) -> DecodedPhoto:
    """The bill named by the QR code in a photo, or :class:`Refusal`.

    When the photo holds several QR codes, the first that names a whole bill wins, else one
    that names part of a bill (the person is asked for the rest); when it holds none that
    does, the refusal is the most useful of theirs (see ``_USEFUL``).
    """
    if len(data) > max_bytes:
        raise Refusal.of("too_large", limit=_megabytes(max_bytes))
    image_format = sniff_image_format(data)
    if image_format is None:
        raise Refusal.of("not_an_image")
    payload_refusal: Refusal | None = None
    partial: DecodedPhoto | None = None
    located = Located()
    for variant in _variants(data, image_format, max_pixels, located):
        for barcode in zxingcpp.read_barcodes(variant, formats=QR_CODES, return_errors=True):
            if not barcode.valid:
                located.add(variant, _corners(barcode.position), _version(barcode))
                continue
            try:
                found = DecodedPhoto(text=barcode.text, reading=read_payload(barcode.text))
            except Refusal as refusal:
                if payload_refusal is None or _USEFUL.index(refusal.code) < _USEFUL.index(payload_refusal.code):
                    payload_refusal = refusal
                continue
            if not found.reading.missing:
                return found
            partial = partial or found
        if partial is not None:
            return partial
    if payload_refusal is not None:
        raise Refusal(payload_refusal.code, payload_refusal.message, 422) from payload_refusal
    raise Refusal.of("no_qr_found")


def _variants(data: bytes, image_format: str, max_pixels: int, located: Located) -> Iterator[np.ndarray]:
    """Grayscale readings of the photo, cheapest and likeliest first; the harder ones last."""
    image = _open(data, image_format, max_pixels)
    stored_size = image.size
    if image_format == "JPEG" and max(stored_size) > WORKING_SIDE:
        scale = max(stored_size) / WORKING_SIDE
        image.draft("L", (int(image.width / scale), int(image.height / scale)))
    drafted = image.size != stored_size
    full = _decode(image, max_pixels)
    factor = max(full.size) // WORKING_SIDE
    working = full.reduce(factor) if factor > 1 else full
    yield np.asarray(working)
    sharpened = np.asarray(working.filter(ImageFilter.UnsharpMask(radius=2, percent=200, threshold=0)))
    if drafted:
        full = _decode(_open(data, image_format, max_pixels), max_pixels)
    if full.size != working.size:
        yield sharpened
        sharpened = np.asarray(full.filter(ImageFilter.UnsharpMask(radius=4, percent=250, threshold=0)))
    pixels = np.asarray(full)
    located.watch(sharpened, pixels)
    yield sharpened
    yield from harder_readings(np.asarray(working), pixels, located)


def _open(data: bytes, image_format: str, max_pixels: int) -> Image.Image:
    """The image with only its header read, refused before decoding if it claims too many pixels."""
    try:
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refusal.of("too_many_pixels", limit=_megapixels(max_pixels)) from None
    except Image.UnidentifiedImageError:
        raise Refusal.of("not_an_image") from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise Refusal.of("damaged_image") from None
    if image.width * image.height > max_pixels:
        raise Refusal.of("too_many_pixels", limit=_megapixels(max_pixels))
    return image


def _decode(image: Image.Image, max_pixels: int) -> Image.Image:
    """The pixels as upright grayscale; a truncated or corrupt file is refused here."""
    try:
        image.load()
        orientation = image.getexif().get(ORIENTATION_TAG, 1)
        gray = image.convert("L")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refusal.of("too_many_pixels", limit=_megapixels(max_pixels)) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise Refusal.of("damaged_image") from None
    fix = UPRIGHT.get(orientation)
    return gray.transpose(fix) if fix is not None else gray


def _corners(position: zxingcpp.Position) -> np.ndarray:
    """A decoder position as a 4×2 array, clockwise from the code's own top left."""
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return np.array([(point.x, point.y) for point in points], dtype=np.float32)


def _version(barcode: zxingcpp.Barcode) -> int:
    """The QR version a located code seemed to have, 0 when unknown (or a Micro QR's "M2")."""
    extra = barcode.extra
    version = str(extra.get("Version", "")) if isinstance(extra, dict) else ""
    return int(version) if version.isdigit() else 0


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def _megapixels(limit: int) -> str:
    return gettext("%(count)s万像素", count=limit // 10_000)
