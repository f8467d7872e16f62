"""Bills for people, as an Inner Mongolia resident collects them over several years.

Everything is drawn from a ``random.Random`` seeded by (seed, person), so the same seed
and end date give the same people, bills and history whatever else is generated.
"""

from __future__ import annotations

import random
import string
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from common.database import DbSession
from common.timeutil import SHANGHAI
from fiscal_stub.generator.content import Content, make_content
from fiscal_stub.generator.identity import Person, credit_code
from fiscal_stub.models import IssuingUnit
from fiscal_stub.reference.bill_types import BILL_TYPES, BillType
from fiscal_stub.reference.names import REIMBURSER_PREFIXES, REIMBURSERS_EMPLOYER, REIMBURSERS_MEDICAL
from fiscal_stub.reference.provinces import province_weights
from fiscal_stub.services.minting import Claim, Draft

CHECK_ALPHABET = string.ascii_lowercase + string.digits
YEARS = 4
EMPLOYER_PAYS = {"exam_fee", "association_dues", "nontax_general", "mutual_aid"}


@dataclass(frozen=True)
class Issuer:
    code: str
    name: str
    level: str


UnitIndex = dict[tuple[str, str], list[Issuer]]


def unit_index(session: DbSession) -> UnitIndex:
    """Issuers by (province, bill type), from the units in the database."""
    index: UnitIndex = defaultdict(list)
    for unit in session.execute(select(IssuingUnit).order_by(IssuingUnit.code)).scalars():
        for bill_type in BILL_TYPES:
            if unit.category in bill_type.issuers:
                index[(unit.province, bill_type.key)].append(Issuer(unit.code, unit.name, unit.level))
    return index


def _claims(
    rng: random.Random, bill_type: BillType, content: Content, issued: datetime, until: datetime
) -> list[Claim]:
    """Past reimbursements: insurers pay part of a medical bill's cash share, and sometimes an employer
    the rest of what the person bore (never what public insurance paid); employers pay fees in full."""
    first_at = issued + timedelta(days=rng.randint(10, 40))
    if first_at > until - timedelta(days=20) or rng.random() > 0.35:
        return []

    def claim(name: str, amount: int, at: datetime) -> Claim:
        return Claim(
            credit_code(REIMBURSER_PREFIXES[name], "150102", name),
            name,
            amount,
            f"BX{at:%Y%m%d}{rng.randrange(10**6):06d}",
            f"JZ-{at:%Y-%m}-{rng.randrange(10**4):04d}",
            at,
        )

    if bill_type.medical and content.medical:
        split = content.medical["settlement"]
        cash, public = split["cash"], split["fund"] + split["other_insurance"]
        first = cash * rng.randint(50, 90) // 100
        if first < 1:
            return []
        claims = [claim(rng.choice(REIMBURSERS_MEDICAL), first, first_at)]
        if rng.random() < 0.4:
            claims.append(
                claim(
                    rng.choice(REIMBURSERS_EMPLOYER),
                    content.total - public - first,
                    first_at + timedelta(days=rng.randint(3, 15)),
                )
            )
        return claims
    if bill_type.key in EMPLOYER_PAYS:
        return [claim(rng.choice(REIMBURSERS_EMPLOYER), content.total, first_at)]
    return []


def drafts_for(person: Person, count: int, seed: int, until: datetime, units: UnitIndex) -> list[Draft]:
    rng = random.Random(f"bills:{seed}:{person.id_number}")
    weights = province_weights(person.home_province)
    provinces, province_w = list(weights), list(weights.values())
    type_w = [t.weight for t in BILL_TYPES]
    last_day = (until - timedelta(days=1)).astimezone(SHANGHAI).date()
    first_day = date(last_day.year - YEARS + 1, 1, 1)
    drafts: list[Draft] = []
    while len(drafts) < count:
        province = rng.choices(provinces, province_w)[0]
        bill_type = rng.choices(BILL_TYPES, type_w)[0]
        issuers = units.get((province, bill_type.key))
        if not issuers:
            continue
        issuer = rng.choice(issuers)
        day = first_day + timedelta(days=rng.randrange((last_day - first_day).days + 1))
        issued = datetime(
            day.year, day.month, day.day, rng.randint(8, 17), rng.randrange(60), rng.randrange(60), tzinfo=SHANGHAI
        )
        content = make_content(rng, bill_type, day, issuer.level, province, issuer.name)
        check = "".join(rng.choice(CHECK_ALPHABET) for _ in range(6))
        drafts.append(
            Draft(
                bill_type=bill_type,
                province=province,
                issuer_code=issuer.code,
                issuer_name=issuer.name,
                payer_type="个人",
                payer_name=person.name,
                payer_id_number=person.id_number,
                issued_at=issued,
                check=check,
                content=content,
                claims=_claims(rng, bill_type, content, issued, until),
            )
        )
    drafts.sort(key=lambda d: d.issued_at)
    return drafts
