"""The demo personas are fictitious but pass every check a real person would."""

from __future__ import annotations

from common.checksums import resident_id_birthdate, valid_resident_id
from common.personas import load_personas


def test_personas_have_valid_unique_ids_matching_birthdate_and_gender():
    personas = load_personas()
    assert len({p.id_number for p in personas}) == len(personas) >= 5
    for p in personas:
        assert valid_resident_id(p.id_number)
        assert resident_id_birthdate(p.id_number).isoformat() == p.birthdate
        assert (int(p.id_number[16]) % 2 == 1) == (p.gender == "M")


def test_most_live_in_inner_mongolia_and_some_elsewhere():
    provinces = [p.home_province for p in load_personas()]
    assert provinces.count("15") >= 4
    assert any(code != "15" for code in provinces)
