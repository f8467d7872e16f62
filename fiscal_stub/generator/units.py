"""The issuing units of every province, built from name templates and real district codes."""

from __future__ import annotations

from typing import Any

from fiscal_stub.generator.identity import credit_code
from fiscal_stub.reference.bill_types import BILL_TYPES
from fiscal_stub.reference.names import UNIT_TEMPLATES
from fiscal_stub.reference.provinces import PROVINCES, ProvinceInfo


def types_issued_by(category: str) -> list[str]:
    return [t.key for t in BILL_TYPES if category in t.issuers]


def units_of(province: ProvinceInfo) -> list[dict[str, Any]]:
    capital = province.capital
    second = province.cities[1] if len(province.cities) > 1 else capital
    city2 = second.name if second.name != capital.name else f"{capital.name}{second.district}"
    fields = {
        "province": province.name,
        "short": province.short,
        "capital": capital.name,
        "capital_district": capital.district,
        "city2": city2,
    }
    rows = []
    for category, template, prefix, level in UNIT_TEMPLATES:
        name = template.format(**fields)
        city = second if "{city2}" in template else capital
        rows.append(
            {
                "code": credit_code(prefix, city.district_code, name),
                "province": province.code,
                "name": name,
                "category": category,
                "level": level,
                "city": city.name,
            }
        )
    return rows


def all_units() -> list[dict[str, Any]]:
    return [row for province in PROVINCES for row in units_of(province)]
