"""The demo personas, defined once in data/personas.json, seeded by both stubs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from common.settings import PROJECT_ROOT

PERSONAS_FILE = PROJECT_ROOT / "data" / "personas.json"


@dataclass(frozen=True)
class Persona:
    key: str
    name: str
    gender: str
    id_number: str
    birthdate: str
    phone: str
    address: str
    home_province: str


@cache
def load_personas() -> tuple[Persona, ...]:
    raw = json.loads(PERSONAS_FILE.read_text(encoding="utf-8"))
    return tuple(Persona(**entry) for entry in raw["personas"])


@dataclass(frozen=True)
class Child:
    """A minor with no 蒙速办 account: known to the provider only through a guardian's household."""

    name: str
    gender: str
    id_number: str
    birthdate: str


@dataclass(frozen=True)
class Household:
    """Persona keys of the two spouses and of the children's guardians, and the children themselves."""

    spouses: tuple[str, ...]
    guardians: tuple[str, ...]
    children: tuple[Child, ...]


@cache
def load_households() -> tuple[Household, ...]:
    raw = json.loads(PERSONAS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Household(
            spouses=tuple(entry.get("spouses", ())),
            guardians=tuple(entry.get("guardians", ())),
            children=tuple(Child(**child) for child in entry.get("children", ())),
        )
        for entry in raw.get("households", ())
    )
