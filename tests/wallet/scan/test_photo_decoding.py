"""Phone photos of paper bills, made here from generated bills, decode to the right five elements."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image

from tests.wallet.scan.bill_photos import BASE_URL, SAMPLE, Shot, bill_sheet, photograph
from wallet.scan.five_elements import FiveElements
from wallet.scan.payload import build_payload_url
from wallet.scan.photo import decode_bill_photo, sniff_image_format

pytestmark = pytest.mark.slow

PHONE = Shot(size=(2000, 1500), fill=0.85, seed=3)
TWELVE_MP = Shot(size=(4000, 3000), fill=0.8, seed=5)


@pytest.fixture(scope="module")
def sheet() -> Image.Image:
    return bill_sheet(SAMPLE)


@pytest.mark.parametrize(
    "shot",
    [
        pytest.param(PHONE, id="straight"),
        pytest.param(PHONE.but(rotate=12), id="rotated-12"),
        pytest.param(PHONE.but(rotate=-30), id="rotated-minus-30"),
        pytest.param(PHONE.but(rotate=30), id="rotated-30"),
        pytest.param(PHONE.but(tilt=0.12), id="perspective"),
        pytest.param(PHONE.but(blur=1.2), id="blurred"),
        pytest.param(PHONE.but(quality=40), id="jpeg-quality-40"),
        pytest.param(PHONE.but(exif_orientation=6), id="portrait-exif-orientation"),
        pytest.param(PHONE.but(rotate=-22, tilt=0.08, blur=1.0, quality=40, noise=9), id="everything-at-once"),
        pytest.param(TWELVE_MP.but(quality=40), id="12mp"),
        pytest.param(TWELVE_MP.but(rotate=27, tilt=0.1, blur=2.5, quality=40), id="12mp-rotated-skewed-blurred"),
        pytest.param(TWELVE_MP.but(fill=0.28, rotate=10, quality=40), id="12mp-bill-far-away"),
        pytest.param(PHONE.but(blur=2.0, rotate=10), id="badly-focused"),
        pytest.param(Shot(size=(3000, 4000), fill=0.9, rotate=-8, exif_orientation=8, seed=8), id="12mp-portrait"),
        pytest.param(PHONE.but(format="PNG", rotate=15), id="png"),
        pytest.param(PHONE.but(format="WEBP", quality=60, rotate=-15), id="webp"),
        pytest.param(PHONE.but(format="HEIF", quality=60, rotate=20, tilt=0.05), id="heic"),
    ],
)
def test_photo_of_a_paper_bill_decodes_to_its_five_elements(sheet, shot):
    decoded = decode_bill_photo(photograph(sheet, shot))
    assert decoded.elements == SAMPLE
    assert decoded.text == build_payload_url(SAMPLE, BASE_URL)


def test_the_photos_are_the_formats_they_claim(sheet):
    for image_format in ("JPEG", "PNG", "WEBP", "HEIF"):
        assert sniff_image_format(photograph(sheet, PHONE.but(format=image_format, size=(400, 300)))) == image_format


def test_another_bill_decodes_to_its_own_elements():
    other = FiveElements(
        code="11020125", number="0000987654", check="zx9k2m", issued_on=date(2025, 12, 31), amount_fen=1_234_567
    )
    decoded = decode_bill_photo(photograph(bill_sheet(other, seed=2), PHONE.but(rotate=-10)))
    assert decoded.elements == other


def test_the_bill_code_wins_when_the_photo_holds_another_qr_code():
    sheet = bill_sheet(SAMPLE, qr_texts=("https://example.com/app", build_payload_url(SAMPLE, BASE_URL)))
    decoded = decode_bill_photo(photograph(sheet, PHONE.but(rotate=5)))
    assert decoded.elements == SAMPLE


def test_a_delimited_qr_code_on_a_bill_is_read_too():
    sheet = bill_sheet(SAMPLE, qr_texts=("15060126,0000012345,A1B2C3,20260315,328.50",))
    decoded = decode_bill_photo(photograph(sheet, PHONE))
    assert decoded.elements == SAMPLE
    assert decoded.text == "15060126,0000012345,A1B2C3,20260315,328.50"
