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
