"""Bills of the demo household's children (data/personas.json): a year of them, mostly medical.

The children have no 蒙速办 account; their guardians collect these bills in the wallet. So that
the 大病医疗 estimate has something to show, the first child also had hospital stays this
calendar year whose 个人自付 (settlement ``co_pay``) adds up to more than the 15,000-yuan
threshold: inpatient bills are drawn until it does (a bounded number of them).
"""

from __future__ import annotations

import random
import string
from datetime import date, datetime, timedelta

from common.personas import Child, load_households
from common.timeutil import SHANGHAI
from fiscal_stub.generator.content import make_content
from fiscal_stub.generator.population import UnitIndex
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.minting import Draft

PROVINCE = "15"
YEAR_BILLS = 14
# Mostly medical: a child's bills are doctors' visits, the odd hospital stay and school exam fees.
TYPE_WEIGHTS = {"medical_outpatient": 9, "medical_inpatient": 1, "exam_fee": 2, "nontax_general": 1}
THRESHOLD_FEN = 1_500_000
STAY_TOTAL_FEN = (3_000_000, 6_000_000)
MOST_STAYS = 40


def _draft(
    rng: random.Random, units: UnitIndex, child: Child, type_key: str, day: date, total: int | None, until: datetime
) -> Draft:
    """A bill issued on ``day`` (never after ``until``: a stay may end today)."""
    bill_type = BY_KEY[type_key]
    issuer = rng.choice(units[(PROVINCE, type_key)])
    drawn = datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randrange(60), tzinfo=SHANGHAI)
    issued = min(drawn, (until - timedelta(minutes=1)).astimezone(SHANGHAI))
    return Draft(
        bill_type=bill_type,
        province=PROVINCE,
        issuer_code=issuer.code,
        issuer_name=issuer.name,
        payer_type="个人",
        payer_name=child.name,
        payer_id_number=child.id_number,
        issued_at=issued,
        check="".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(6)),
        content=make_content(rng, bill_type, day, issuer.level, PROVINCE, issuer.name, total=total),
    )


def _year_of_bills(rng: random.Random, units: UnitIndex, child: Child, until: datetime) -> list[Draft]:
    keys, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    yesterday = (until - timedelta(days=1)).astimezone(SHANGHAI).date()
    return [
        _draft(
            rng,
            units,
            child,
            rng.choices(keys, weights)[0],
            yesterday - timedelta(days=rng.randrange(365)),
            None,
            until,
        )
        for _ in range(YEAR_BILLS)
    ]


def _stays_over_threshold(rng: random.Random, units: UnitIndex, child: Child, until: datetime) -> list[Draft]:
    """Inpatient bills this calendar year until their 个人自付 sum passes the threshold (or the bound)."""
    today = until.astimezone(SHANGHAI).date()
    first_day = date(today.year, 1, 1)
    span = (today - first_day).days + 1
    stays: list[Draft] = []
    co_pay = 0
    while co_pay <= THRESHOLD_FEN and len(stays) < MOST_STAYS:
        day = first_day + timedelta(days=rng.randrange(span))
        stay = _draft(rng, units, child, "medical_inpatient", day, rng.randint(*STAY_TOTAL_FEN), until)
        assert stay.content.medical is not None
        co_pay += int(stay.content.medical["settlement"]["co_pay"])
        stays.append(stay)
    return stays


def household_drafts(units: UnitIndex, seed: int, until: datetime) -> list[Draft]:
    """Every demo child's year of bills, and the first child's hospital stays over the threshold."""
    drafts: list[Draft] = []
    for household in load_households():
        for index, child in enumerate(household.children):
            rng = random.Random(f"household:{seed}:{child.id_number}")
            drafts += _year_of_bills(rng, units, child, until)
            if index == 0:
                drafts += _stays_over_threshold(rng, units, child, until)
    return sorted(drafts, key=lambda d: d.issued_at)
