"""Real-name data at rest and on screen: sealed per purpose, found by keyed hash, masked when shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from wallet.identity import lookup_hash, mask_id_number, mask_name, mask_phone, seal, unseal


@pytest.fixture
def app() -> Iterator[Flask]:
    app = Flask(__name__)
    app.config.update(ID_ENCRYPTION_KEY="k" * 40, ID_HASH_KEY="h" * 40)
    with app.app_context():
        yield app


def test_sealed_value_opens_only_for_its_purpose(app):
    blob = seal("15010219860314110X", "resident.id_number")
    assert b"15010219860314110X" not in blob
    assert unseal(blob, "resident.id_number") == "15010219860314110X"
    with pytest.raises(ValueError):
        unseal(blob, "resident.name")


def test_same_value_seals_differently_each_time(app):
    assert seal("乌日娜", "resident.name") != seal("乌日娜", "resident.name")


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),
        lambda b: b[:5] + bytes([b[5] ^ 1]) + b[6:],
        lambda b: b"\x02" + b[1:],
        lambda b: b"",
    ],
)
def test_altered_ciphertext_does_not_open(app, damage):
    with pytest.raises(ValueError):
        unseal(damage(seal("乌日娜", "resident.name")), "resident.name")


def test_another_key_cannot_open_or_match(app):
    blob, digest = seal("乌日娜", "resident.name"), lookup_hash("15010219860314110X")
    app.config.update(ID_ENCRYPTION_KEY="other" * 8, ID_HASH_KEY="other" * 8)
    with pytest.raises(ValueError):
        unseal(blob, "resident.name")
    assert lookup_hash("15010219860314110X") != digest


def test_lookup_hash_matches_however_the_number_was_typed(app):
    assert lookup_hash(" 15010219860314110x ") == lookup_hash("15010219860314110X")
    assert lookup_hash("150203196209084832") != lookup_hash("15010219860314110X")
    assert len(lookup_hash("15010219860314110X")) == 64


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("15010219860314110X", "1501**********110X"),
        ("15010219860314110x", "1501**********110X"),
        ("150203196209084832", "1502**********4832"),
    ],
)
def test_id_numbers_show_region_and_last_four_only(raw, shown):
    assert mask_id_number(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("乌日娜", "乌*娜"),
        ("陈静", "陈*"),
        ("欧阳娜娜", "欧**娜"),
        ("乌日娜·巴特尔", "乌**·**尔"),
        ("李", "*"),
    ],
)
def test_names_keep_first_and_last_character(raw, shown):
    assert mask_name(raw) == shown


def test_phone_numbers_show_prefix_and_last_four():
    assert mask_phone("13904710321") == "139****0321"
