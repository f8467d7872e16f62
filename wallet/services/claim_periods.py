"""How long after a bill's issue date a unit still accepts it (报销时限), by unit kind and per unit.

No national rule fixes these windows; the defaults are this project's convention, chosen from
common practice and documented in docs/reminders.md. A unit sets its own
(``Unit.claim_period_days``), which wins over its kind's default.

- 医保经办机构: 365 days — local medical-insurance offices commonly take manual (异地就医 手工)
  reimbursement claims within about a year of the visit.
- 商业保险公司: 730 days — the Insurance Law (第二十六条) lets the right to claim under a
  health or property policy lapse two years after the insured learns of the event.
- 行政事业单位: 180 days — employers' finance rules usually ask for bills within months,
  inside the fiscal year.
- 其他: 365 days.

Which kinds take which bills: medical-insurance offices and insurers take medical bills;
employers and other units take any bill.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from wallet.models.unit import Unit

DEFAULT_DAYS: dict[str, int] = {"medical_insurance": 365, "insurer": 730, "public_institution": 180, "other": 365}
MEDICAL_ONLY = frozenset({"medical_insurance", "insurer"})
# Where the resident has never used a unit that takes the bill: the kinds that usually do.
FALLBACK_KINDS: dict[bool, tuple[str, ...]] = {True: ("medical_insurance", "insurer"), False: ("public_institution",)}


def is_medical(type_key: str) -> bool:
    return type_key.startswith("medical_")


def takes(unit_type: str, type_key: str) -> bool:
    """Whether a unit of this kind reimburses bills of this type."""
    return unit_type not in MEDICAL_ONLY or is_medical(type_key)


def unit_days(unit: Unit) -> int:
    return unit.claim_period_days or DEFAULT_DAYS.get(unit.unit_type, DEFAULT_DAYS["other"])


def windows(type_key: str, units: Iterable[Unit]) -> list[tuple[int, str, Unit | None]]:
    """(days, unit kind, unit) of every window that applies to a bill of ``type_key`` for a resident
    who has used ``units``; the kinds' defaults when none of them takes such bills."""
    own: list[tuple[int, str, Unit | None]] = [
        (unit_days(u), u.unit_type, u) for u in units if u.is_active and takes(u.unit_type, type_key)
    ]
    if own:
        return own
    return [(DEFAULT_DAYS[kind], kind, None) for kind in FALLBACK_KINDS[is_medical(type_key)]]


def next_deadline(
    issued_at: datetime, type_key: str, units: Iterable[Unit], now: datetime
) -> tuple[datetime, str, Unit | None] | None:
    """The first window still open at ``now``: its deadline, the unit kind and the unit (None: a default)."""
    open_ = [
        (issued_at + timedelta(days=days), kind, unit)
        for days, kind, unit in windows(type_key, units)
        if issued_at + timedelta(days=days) > now
    ]
    return min(open_, key=lambda w: w[0]) if open_ else None


def all_periods(units: Iterable[Unit]) -> set[int]:
    """Every period any window may have: the defaults and each active unit's own."""
    return set(DEFAULT_DAYS.values()) | {u.claim_period_days for u in units if u.claim_period_days and u.is_active}
