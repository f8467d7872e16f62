"""Fictitious people and organisations whose numbers pass the national checksums."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

from common.checksums import USCC_ALPHABET, credit_code_check_char, organisation_code_check_char, resident_id_check_char
from fiscal_stub.reference.names import GIVEN_PARTS, MONGOLIAN_NAMES, SURNAMES
from fiscal_stub.reference.provinces import BY_CODE

ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    home_province: str


def resident_id(rng: random.Random, district_code: str, birth: date, male: bool) -> str:
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{district_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def person_name(rng: random.Random, province: str) -> str:
    if province == "15" and rng.random() < 0.25:
        return rng.choice(MONGOLIAN_NAMES)
    given = "".join(rng.choice(GIVEN_PARTS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def make_person(rng: random.Random, home_province: str) -> Person:
    city = rng.choice(BY_CODE[home_province].cities)
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    number = resident_id(rng, city.district_code, birth, male=rng.random() < 0.5)
    return Person(person_name(rng, home_province), number, home_province)


def make_people(count: int, seed: int, home_province: str = "15") -> list[Person]:
    """``count`` distinct people living mostly in ``home_province``."""
    rng = random.Random(f"people:{seed}:{home_province}")
    people: dict[str, Person] = {}
    while len(people) < count:
        home = home_province if rng.random() < 0.9 else rng.choice(("11", "21", "13"))
        person = make_person(rng, home)
        people.setdefault(person.id_number, person)
    return list(people.values())


def credit_code(prefix: str, district_code: str, name: str) -> str:
    """A unified social credit code fixed by the organisation's name.

    ``prefix`` is the registration authority and category of the organisation's kind
    (12 public institution, 11 government body or court, 51 social organisation, 91
    company), ``district_code`` the GB/T 2260 region where it registered; positions
    9–17 are a GB 11714 organisation code with its own check character.
    """
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    body = "".join(ORG_CODE_ALPHABET[b % len(ORG_CODE_ALPHABET)] for b in digest[:8])
    first17 = f"{prefix}{district_code}{body}{organisation_code_check_char(body)}"
    assert all(c in USCC_ALPHABET for c in first17)
    return first17 + credit_code_check_char(first17)
