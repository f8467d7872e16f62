"""Uploads that hold no bill are refused with a stable code and a Chinese reason, never a crash."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tests.wallet.scan.bill_photos import BASE_URL, SAMPLE, Shot, bill_sheet, photograph
from wallet.refusals import Refusal
from wallet.scan.payload import build_payload_url
from wallet.scan.photo import DEFAULT_MAX_BYTES, decode_bill_photo

SMALL = Shot(size=(1200, 900), fill=0.9, seed=4)


def refusal(data: bytes, **limits: int) -> Refusal:
    with pytest.raises(Refusal) as raised:
        decode_bill_photo(data, **limits)
    return raised.value


@pytest.fixture(scope="module")
def bill_photo() -> bytes:
    return photograph(bill_sheet(SAMPLE), SMALL)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def decompression_bomb_png(width: int, height: int) -> bytes:
    """A real, valid 1-bit PNG of ``width``×``height`` black pixels that compresses to kilobytes."""
    row = b"\x00" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row * 500) for _ in range(height // 500)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


def test_a_text_file_renamed_to_jpg_is_not_an_image():
    refused = refusal("票据代码 15060126\n这不是照片。\n".encode())
    assert (refused.code, refused.status) == ("not_an_image", 415)
    assert refused.message == "只能上传JPEG、PNG、WebP或HEIC格式的照片，请重新选择文件。"


def test_a_pdf_is_not_an_image():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, "PDF")
    assert buffer.getvalue().startswith(b"%PDF")
    assert refusal(buffer.getvalue()).code == "not_an_image"


@pytest.mark.parametrize(
    "data", [b"", b"GIF89a" + b"\x00" * 64, b"BM" + b"\x00" * 64, b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00avifmif1"]
)
def test_other_formats_are_not_accepted(data):
    assert refusal(data).code == "not_an_image"


def test_a_truncated_jpeg_is_refused_as_damaged(bill_photo):
    refused = refusal(bill_photo[: len(bill_photo) // 2])
    assert (refused.code, refused.status) == ("damaged_image", 422)
    assert refused.message == "照片文件已损坏或不完整，请重新拍照上传。"


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + b"\x00" * 200,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
        b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 200,
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200,
    ],
)
def test_garbage_behind_a_valid_signature_is_refused_not_crashed(data):
    assert refusal(data).code in {"not_an_image", "damaged_image"}


def test_a_file_over_the_default_size_limit_is_too_large(bill_photo):
    oversize = bill_photo + b"\x00" * (DEFAULT_MAX_BYTES + 1 - len(bill_photo))
    refused = refusal(oversize)
    assert (refused.code, refused.status) == ("too_large", 413)
    assert refused.message == "照片超过15 MB，请压缩后或换一张照片重新上传。"


def test_the_size_limit_is_a_parameter(bill_photo):
    assert refusal(bill_photo, max_bytes=len(bill_photo) - 1).code == "too_large"
    assert decode_bill_photo(bill_photo, max_bytes=len(bill_photo)).elements == SAMPLE


@pytest.mark.parametrize("width, height", [(8_000, 8_000), (10_000, 10_000), (40_000, 40_000)])
def test_a_decompression_bomb_png_is_refused_before_decoding(width, height):
    bomb = decompression_bomb_png(width, height)
    assert len(bomb) < 200_000
    refused = refusal(bomb)
    assert (refused.code, refused.status) == ("too_many_pixels", 413)
    assert refused.message == "照片尺寸过大（超过5000万像素），请用手机相机的普通模式重新拍照上传。"


def test_the_pixel_limit_is_a_parameter(bill_photo):
    assert refusal(bill_photo, max_pixels=1200 * 900 - 1).code == "too_many_pixels"


def test_a_photo_without_any_qr_code_says_none_was_found():
    refused = refusal(photograph(bill_sheet(SAMPLE, qr_texts=()), SMALL))
    assert (refused.code, refused.status) == ("no_qr_found", 422)
    assert "没有找到可识别的二维码" in refused.message


def test_a_blank_image_says_no_qr_code_was_found():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (250, 250, 250)).save(buffer, "PNG")
    assert refusal(buffer.getvalue()).code == "no_qr_found"


def test_a_qr_code_that_is_not_a_bill_is_refused_as_such():
    refused = refusal(photograph(bill_sheet(SAMPLE, qr_texts=("https://example.com/",)), SMALL))
    assert (refused.code, refused.status) == ("not_a_bill_qr", 422)
    assert refused.message.startswith("这不是财政电子票据的二维码。")


def test_a_bill_qr_code_with_a_malformed_element_names_the_element():
    url = build_payload_url(SAMPLE, BASE_URL).replace("check=a1b2c3", "check=a1b2c")
    refused = refusal(photograph(bill_sheet(SAMPLE, qr_texts=(url,)), SMALL))
    assert (refused.code, refused.status) == ("malformed_bill_qr", 422)
    assert "校验码应为6位字母或数字" in refused.message
