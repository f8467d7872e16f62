"""A bill's view reads what its page shows when it is built; rendering the page reads and verifies nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import render_template
from sqlalchemy import event, select

from tests.support.network import persona
from wallet.extensions import db
from wallet.models import Bill
from wallet.presenters import bill as bill_presenter
from wallet.presenters.bill import DETAIL, UNIT_CLAIM, BillView
from wallet.services.sync import sync_person


@pytest.fixture
def stored_bill(wallet_app, network, fiscal_client, resident_id) -> Iterator[Bill]:
    """p1's fresh inpatient bill (items, a settlement split, a signature, nothing claimed), in a request."""
    with wallet_app.test_request_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        yield db.session.scalars(
            select(Bill).where(
                Bill.resident_id == resident_id, Bill.type_key == "medical_inpatient", Bill.total == 1288000
            )
        ).one()


@contextmanager
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """Every SQL statement run and every signature checked inside the block."""
    seen: dict[str, list[Any]] = {"statements": [], "checks": []}
    check = bill_presenter.signature_check

    def checked(*args: Any) -> Any:
        seen["checks"].append(args)
        return check(*args)

    monkeypatch.setattr(bill_presenter, "signature_check", checked)

    def record(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        seen["statements"].append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_rendering_the_detail_view_runs_no_query_and_no_signature_check(stored_bill, monkeypatch):
    with counted(monkeypatch) as built:
        view = BillView(stored_bill, parts=DETAIL)
    assert built["statements"], "the view reads the document, events and history when it is built"
    assert len(built["checks"]) == 1
    with counted(monkeypatch) as rendered:
        html = render_template("wallet/bills/_status.html", bill=view)
        html += render_template("wallet/bills/_items.html", bill=view)
        html += render_template("wallet/bills/_medical.html", bill=view)
        html += render_template("wallet/authorize/_bill_section.html", bill=view)
    assert rendered == {"statements": [], "checks": []}
    assert view.timeline[0][1] in html
    assert view.signature["ok"] is True
    assert view.items and view.items[0]["name"] in html


def test_a_unit_claim_view_has_the_document_and_signature_but_not_the_residents_history(stored_bill, monkeypatch):
    view = BillView(stored_bill, parts=UNIT_CLAIM)
    assert view.doc["medical"] and view.signature["ok"] is True
    with counted(monkeypatch) as read:
        assert not hasattr(view, "authorizations") and not hasattr(view, "access_events")
    assert read["statements"] == []


def test_a_list_card_reads_only_the_open_authorizations_it_is_given(stored_bill, monkeypatch):
    with counted(monkeypatch) as read:
        view = BillView(stored_bill, holds={})
        label, _tone = view.chip
    assert read == {"statements": [], "checks": []}
    assert label == "可报销"
