"""Who paid what of a bill: property tests over random settlements and partial reimbursements."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallet.ledger.payments import Reimbursement, payments_of

# Generated wallets are large; on a busy machine one example can take long: time is not the property.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def medical_documents(draw: st.DrawFn) -> dict:
    """A medical bill whose settlement parts add up, as the network's documents do."""
    total = draw(st.integers(min_value=1, max_value=5_000_000_00))
    fund = draw(st.integers(min_value=0, max_value=total))
    other = draw(st.integers(min_value=0, max_value=total - fund))
    borne = total - fund - other
    account = draw(st.integers(min_value=0, max_value=borne))
    self_pay = draw(st.integers(min_value=0, max_value=borne))
    settlement = {
        "fund": fund,
        "other_insurance": other,
        "personal_account": account,
        "cash": borne - account,
        "co_pay": borne - self_pay,
        "self_pay": self_pay,
    }
    return {"total": total, "medical": {"settlement": settlement}}


@st.composite
def reimbursed(draw: st.DrawFn, document: dict) -> list[Reimbursement]:
    """Partial reimbursements by several units, together never more than the person bore."""
    split = document["medical"]["settlement"]
    room = document["total"] - split["fund"] - split["other_insurance"]
    payments: list[Reimbursement] = []
    for unit in draw(st.lists(st.sampled_from(["市医保中心", "平安健康保险", "某单位工会"]), max_size=4)):
        amount = draw(st.integers(min_value=1, max_value=room)) if room else 0
        if not amount:
            break
        room -= amount
        payments.append(Reimbursement(unit, "insurer", amount, f"V{len(payments)}", None))
    return payments


@PROPERTY
@given(st.data())
def test_left_to_us_is_the_total_less_every_payment_and_never_negative(data: st.DataObject) -> None:
    document = data.draw(medical_documents())
    refunds = data.draw(reimbursed(document))
    paid = payments_of(document, refunds)
    everyone_else = paid.fund + paid.other_insurance + sum(r.amount for r in refunds)
    assert paid.left_to_us == document["total"] - everyone_else
    assert paid.left_to_us >= 0
    assert paid.overpaid == 0


@PROPERTY
@given(medical_documents())
def test_what_the_person_paid_at_settlement_is_the_account_and_the_cash(document: dict) -> None:
    paid = payments_of(document)
    assert paid.borne_at_settlement == paid.personal_account + paid.cash == paid.co_pay + paid.self_pay
    assert paid.left_to_us == paid.borne_at_settlement


def test_a_bill_that_is_not_medical_was_borne_whole() -> None:
    paid = payments_of({"total": 30_000}, [Reimbursement("某单位工会", "employer", 10_000, "G1", None)])
    assert (paid.public_at_settlement, paid.cash, paid.left_to_us) == (0, 30_000, 20_000)


def test_a_report_beyond_what_was_borne_shows_as_overpaid_not_as_a_negative_share() -> None:
    document = {"total": 10_000, "medical": {"settlement": {"fund": 6_000, "other_insurance": 0, "cash": 4_000}}}
    paid = payments_of(document, [Reimbursement("平安健康保险", "insurer", 5_000, "P1", None)])
    assert (paid.left_to_us, paid.overpaid) == (0, 1_000)
