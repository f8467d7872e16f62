"""Generated data is realistic and consistent: valid IDs, amounts that add up, the right provinces."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from common.checksums import valid_credit_code, valid_organisation_code, valid_resident_id
from common.personas import load_households
from fiscal_stub.demo import generate, seed_demo
from fiscal_stub.extensions import db
from fiscal_stub.generator.identity import make_people
from fiscal_stub.generator.population import drafts_for, unit_index
from fiscal_stub.generator.units import all_units
from fiscal_stub.models import Bill, FeedbackRecord
from fiscal_stub.reference.bill_types import BILL_TYPES, BY_PAIR
from fiscal_stub.reference.provinces import PROVINCES

UNTIL = datetime(2026, 6, 30, tzinfo=UTC)


def test_generated_id_numbers_pass_the_checksum_and_are_distinct():
    people = make_people(500, seed=7)
    assert len({p.id_number for p in people}) == 500
    assert all(valid_resident_id(p.id_number) for p in people)
    assert sum(p.home_province == "15" for p in people) > 400


def test_every_issuing_unit_has_a_valid_credit_code_and_every_type_an_issuer_in_every_province():
    units = all_units()
    assert all(valid_credit_code(u["code"]) for u in units)
    assert len({u["code"] for u in units}) == len(units)
    for province in PROVINCES:
        categories = {u["category"] for u in units if u["province"] == province.code}
        for bill_type in BILL_TYPES:
            assert categories & set(bill_type.issuers), (province.code, bill_type.key)


# Registration authority and category of each kind of issuer (GB 32100 positions 1–2).
KIND_PREFIX = {
    "hospital": "12",
    "blood": "12",
    "university": "12",
    "exam": "12",
    "agency": "12",
    "housing": "12",
    "court": "11",
    "charity": "51",
    "association": "51",
    "mutual_aid": "51",
}


def test_issuer_credit_codes_carry_their_kind_region_and_a_checked_organisation_code():
    districts = {province.code: {city.district_code for city in province.cities} for province in PROVINCES}
    for unit in all_units():
        code = unit["code"]
        assert code[:2] == KIND_PREFIX[unit["category"]], unit
        assert code[2:8] in districts[unit["province"]], unit
        assert valid_organisation_code(code[8:17]), unit
        assert valid_credit_code(code), unit


def test_eleven_bill_forms_have_distinct_code_pairs_and_medical_uses_06():
    assert len(BILL_TYPES) == 11 and len(BY_PAIR) == 11
    assert {t.classification for t in BILL_TYPES if t.medical} == {"06"}


def check_document(doc: dict) -> None:
    assert doc["total"] == sum(item["amount"] for item in doc["items"])
    for item in doc["items"]:
        assert item["amount"] == item["price"] * item["quantity"]
        assert isinstance(item["amount"], int) and isinstance(item["self_paid"], int)
    assert valid_resident_id(doc["payer"]["id_number"])
    assert valid_credit_code(doc["issuer"]["code"])
    assert doc["code"][:2] == doc["province"]["code"]
    assert doc["code"][2:6] == doc["type"]["classification"] + doc["type"]["kind"]
    assert doc["code"][6:] == doc["issued_at"][2:4]
    assert len(doc["number"]) == 10 and len(doc["check"]) == 6
    check_standard_fields(doc)
    medical = doc["medical"]
    if doc["type"]["key"].startswith("medical_"):
        split = medical["settlement"]
        assert split["fund"] + split["other_insurance"] + split["personal_account"] + split["cash"] == doc["total"]
        assert split["co_pay"] + split["self_pay"] == split["personal_account"] + split["cash"]
        assert split["self_pay"] == sum(item["self_paid"] for item in doc["items"])
        assert min(split.values()) >= 0
        check_medical_standard_fields(doc, medical)
    else:
        assert medical is None


def check_standard_fields(doc: dict) -> None:
    """业务流水号, 性别, 收款人 and 复核人, each item's 标准 and 备注: present on every bill."""
    assert len(doc["serial"]) == 18 and doc["serial"].isascii() and doc["serial"].isdigit()
    assert doc["payer"]["gender"] == ("男" if int(doc["payer"]["id_number"][16]) % 2 else "女")
    assert doc["handler"] and doc["reviewer"]
    for item in doc["items"]:
        assert item["standard"].endswith(f"/{item['unit']}") and isinstance(item["remark"], str)


def check_medical_standard_fields(doc: dict, medical: dict) -> None:
    """The medical data standard's fields: separate visit numbers, the institution type apart from its
    grade, 其他医保支付 in named parts, and for inpatients the deposit settlement and the 医疗收费明细."""
    inpatient = medical["visit_type"] == "inpatient"
    assert medical["record_number"].startswith("BL")
    assert (medical["inpatient_number"] or "").startswith("ZY") == inpatient
    assert (medical["outpatient_number"] or "").startswith("MZ") == (not inpatient)
    assert medical["institution_type"] in {
        "综合医院",
        "中医医院",
        "中西医结合医院",
        "专科医院",
        "妇幼保健院",
        "社区卫生服务中心",
        "乡镇卫生院",
    }
    assert "等" not in medical["institution_type"]
    parts = medical["other_payments"]
    assert set(parts) == {"serious_illness", "medical_assistance", "civil_servant", "other"}
    assert sum(parts.values()) == medical["settlement"]["other_insurance"] and min(parts.values()) >= 0
    if not inpatient:
        assert "details" not in medical and "prepaid" not in medical
        return
    cash = medical["settlement"]["cash"]
    assert medical["prepaid"] - medical["refunded"] + medical["supplementary"] == cash
    assert min(medical["prepaid"], medical["refunded"], medical["supplementary"]) >= 0
    assert medical["refunded"] == 0 or medical["supplementary"] == 0
    details = medical["details"]
    assert sum(row["amount"] for row in details) == doc["total"]
    for item in doc["items"]:
        assert sum(r["amount"] for r in details if r["code"].startswith(item["code"])) >= item["amount"]
    for row in details:
        assert medical["admitted_on"] <= row["date"] <= medical["discharged_on"]
        assert 0 <= row["self_pay_ratio"] <= 100 and row["name"] and row["spec"]


def test_amounts_and_settlement_splits_add_up_for_every_generated_bill(fiscal_app):
    with fiscal_app.app_context():
        generate(40, 25, seed=11, until=UNTIL)
        bills = db.session.execute(select(Bill)).scalars().all()
        reimbursed = dict(
            db.session.execute(
                select(FeedbackRecord.bill_id, func.sum(FeedbackRecord.amount)).group_by(FeedbackRecord.bill_id)
            ).all()
        )
    assert len(bills) == 1000
    for bill in bills:
        doc = json.loads(bill.canonical)
        check_document(doc)
        assert bill.total == doc["total"] and bill.check_code == doc["check"]
        assert 0 <= bill.reimbursed == reimbursed.get(bill.id, 0) <= bill.total
    types = Counter(json.loads(b.canonical)["type"]["key"] for b in bills)
    assert types.most_common(1)[0][0] == "medical_outpatient" and len(types) >= 8
    years = {json.loads(b.canonical)["issued_at"][:4] for b in bills}
    assert years == {"2023", "2024", "2025", "2026"}
    assert any(b.reimbursed for b in bills) and any(b.reimbursed == 0 for b in bills)


def test_provinces_are_weighted_as_for_an_inner_mongolia_resident(fiscal_app):
    with fiscal_app.app_context():
        generate(1, 1, seed=3, until=UNTIL)
        units = unit_index(db.session)
    people = [p for p in make_people(60, seed=5) if p.home_province == "15"]
    provinces = Counter(d.province for p in people for d in drafts_for(p, 40, 5, UNTIL, units))
    total = sum(provinces.values())
    assert provinces["15"] / total > 0.7
    assert provinces.most_common(2)[1][0] == "11"
    assert provinces["15"] + provinces["11"] < total


def test_same_seed_gives_the_same_bills(fiscal_app):
    with fiscal_app.app_context():
        generate(1, 1, seed=3, until=UNTIL)
        units = unit_index(db.session)
    person = make_people(1, seed=9)[0]
    first = drafts_for(person, 30, 9, UNTIL, units)
    second = drafts_for(person, 30, 9, UNTIL, units)
    assert [(d.code, d.check, d.content.total, d.issued_at) for d in first] == [
        (d.code, d.check, d.content.total, d.issued_at) for d in second
    ]
    assert [d.check for d in drafts_for(person, 30, 10, UNTIL, units)] != [d.check for d in first]


def test_demo_seeds_every_persona_only_when_empty(fiscal_app):
    with fiscal_app.app_context():
        message = seed_demo(bills_per_person=6, until=UNTIL)
        payers = dict(
            db.session.execute(select(Bill.payer_id_number, func.count()).group_by(Bill.payer_id_number)).all()
        )
        assert seed_demo(bills_per_person=6, until=UNTIL).startswith("fiscal: database already holds bills")
        issuance = Counter(db.session.execute(select(Bill.issuance)).scalars())
        again = db.session.execute(select(func.count()).select_from(Bill)).scalar_one()
    children = {child.id_number for household in load_households() for child in household.children}
    assert "7 people and the household's children" in message
    assert set(payers) >= children and len(payers) == 7 + len(children) == 9
    assert all(count >= 6 for payer, count in payers.items() if payer not in children)
    assert issuance["red_reversed"] == 1 and issuance["exchanged"] == 1
    assert again == sum(payers.values())
