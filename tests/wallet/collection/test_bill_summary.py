"""Totals and filter choices read from the kept summary agree with counting the rows."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select, update

from tests.support.network import persona
from wallet.extensions import db
from wallet.models import Bill
from wallet.services import bill_queries, bill_store, bill_summary
from wallet.services.bill_queries import STATUS_FILTERS, BillFilter
from wallet.services.sync import sync_person


@pytest.fixture
def varied(wallet_app, network, resident_id, fiscal_client) -> int:
    """p1's bills in every state a filter tells apart, a red (negative) bill among them."""
    for amount in (1200, 56000, 330):
        network.issue("p1", amount=amount)
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        ids = db.session.scalars(select(Bill.id).where(Bill.resident_id == resident_id).order_by(Bill.id)).all()
        states = [
            ("normal", "locked", None),
            ("normal", "partially_reimbursed", None),
            ("normal", "reimbursed", None),
            ("red_reversed", "unreimbursed", None),
            ("exchanged", "unreimbursed", None),
            ("normal", "unreimbursed", -3300),
            ("normal", "partially_reimbursed", -100),
        ]
        # Written as a writer of bills does: the kept summary follows.
        with bill_store.summary_kept_up({resident_id}, Bill.resident_id == resident_id):
            for bill_id, (issuance, reimbursement, total) in zip(ids, states, strict=False):
                values: dict[str, object] = {"issuance": issuance, "reimbursement": reimbursement}
                if total is not None:
                    values["total"] = total
                db.session.execute(update(Bill).where(Bill.id == bill_id).values(**values))
        db.session.commit()
    return resident_id


def test_every_filter_without_search_totals_the_same_as_the_rows(wallet_app, varied):
    with wallet_app.app_context():
        facets = bill_summary.facets(varied)
        years = [None] + [int(y) for y, _ in facets.years]
        types = [None] + [t for t, _ in facets.types]
        provinces = [None] + [p for p, _ in facets.provinces]
        statuses = [None, *STATUS_FILTERS]
        checked = 0
        for year, type_key, province, status in itertools.product(years, types, provinces, statuses):
            f = BillFilter(year, type_key, province, status)
            assert bill_summary.totals(varied, f) == bill_queries.totals(varied, f), f
            checked += 1
        assert checked > 100
        assert (
            bill_summary.totals(varied, BillFilter(status="reimbursable"))[0]
            < bill_summary.totals(varied, BillFilter())[0]
        )


def test_the_choices_are_the_values_the_bills_have(wallet_app, varied):
    with wallet_app.app_context():
        facets = bill_summary.facets(varied)
        rows = db.session.execute(
            select(Bill.issue_year, Bill.type_key, Bill.province).where(Bill.resident_id == varied)
        ).all()
    assert [int(y) for y, _ in facets.years] == sorted({r[0] for r in rows}, reverse=True)
    assert {t for t, _ in facets.types} == {r[1] for r in rows}
    assert [p for p, _ in facets.provinces] == sorted({r[2] for r in rows})
    assert [s for s, _ in facets.statuses] == list(STATUS_FILTERS)


def test_search_text_is_not_answered_from_groups(wallet_app, varied):
    with wallet_app.app_context():
        with pytest.raises(ValueError):
            bill_summary.totals(varied, BillFilter(q="医院"))
