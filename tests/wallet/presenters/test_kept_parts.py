"""What the bill pages keep per process — a bill's document parts, the list's cards — is rendered once,
and only ever shown for the very bill and status it was made from."""

from __future__ import annotations

import copy
import json
import re

import pytest
from flask import template_rendered
from flask_babel import force_locale
from jinja2 import Template
from sqlalchemy import select

from common.i18n import MONGOLIAN
from tests.identity_stub.seeding import seeded_idp  # noqa: F401  (fixture)
from tests.support.network import persona
from tests.wallet.auth.flows import log_in
from tests.wallet.presenters.test_bill_view import stored_bill  # noqa: F401  (fixture)
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill
from wallet.presenters import kept_parts
from wallet.presenters.bill import DETAIL, BillView
from wallet.presenters.kept_parts import document_part
from wallet.resident.list_cache import EXTENSION
from wallet.services import bill_store
from wallet.services.sync import sync_person

PART = "wallet/bills/_document.html"
CARD_LINK = re.compile(r'<li class="bill-card">\s*<a href="/bills/(\d+)"')
CARDS = re.compile(r'<li class="bill-card">.*?</li>', re.S)
CHIP = re.compile(r'data-testid="status-chip">([^<]+)<')


def renders_of(app, action) -> list[str]:
    """The templates rendered while ``action`` runs."""
    seen: list[str] = []

    def note(sender, template, context, **extra):
        seen.append(template.name)

    with template_rendered.connected_to(note, app):
        action()
    return seen


def test_a_documents_part_is_rendered_once_and_shows_the_document(stored_bill, wallet_app):  # noqa: F811
    view = BillView(stored_bill, parts=DETAIL)
    first: list[str] = []
    rendered = renders_of(wallet_app, lambda: first.append(document_part(PART, view)))
    assert PART in rendered
    again = BillView(stored_bill, parts=DETAIL)  # another view of the same bill, as the next request makes
    second: list[str] = []
    assert renders_of(wallet_app, lambda: second.append(document_part(PART, again))) == []
    assert first == second
    assert view.items[0]["name"] in first[0] and stored_bill.code in first[0]


def test_each_language_keeps_its_own_parts(stored_bill, wallet_app):  # noqa: F811
    """A part rendered for a Mongolian page never serves a Chinese one, nor the reverse."""
    view = BillView(stored_bill, parts=DETAIL)
    with wallet_app.test_request_context():
        assert PART in renders_of(wallet_app, lambda: document_part(PART, view))
        with force_locale(MONGOLIAN):
            assert PART in renders_of(wallet_app, lambda: document_part(PART, view))
            assert renders_of(wallet_app, lambda: document_part(PART, view)) == []
        assert renders_of(wallet_app, lambda: document_part(PART, view)) == []


def test_another_document_under_the_same_code_and_number_gets_its_own_part(stored_bill, wallet_app):  # noqa: F811
    view = BillView(stored_bill, parts=DETAIL)
    shown = document_part(PART, view)
    other = BillView(stored_bill, parts=DETAIL)
    other.doc = copy.deepcopy(view.doc)
    other.doc["items"][0]["name"] = "另一份文件的项目"
    other.canonical = json.dumps(other.doc, ensure_ascii=False, sort_keys=True).encode()
    assert "另一份文件的项目" in document_part(PART, other)
    assert "另一份文件的项目" not in shown


def document_shown(html: str) -> str:
    """The bill page's document part: from its fields' heading to the signature's."""
    return html.split('id="h-fields"')[1].split('id="h-sig"')[0]


def test_a_new_status_is_shown_while_the_document_part_stays_kept(
    client, wallet_app, network, fiscal_client, seeded_idp
):  # noqa: F811
    log_in(client, "p1")
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        sync_person(rid, persona("p1").id_number, fiscal_client)
        bill = db.session.scalars(
            select(Bill).where(Bill.resident_id == rid, Bill.reimbursement == "unreimbursed", Bill.total > 0)
        ).first()
        assert bill is not None
        bill_id, version, total = bill.id, bill.version, bill.total
    before = client.get(f"/bills/{bill_id}").get_data(as_text=True)
    assert CHIP.search(before)[1] == "可报销"
    with wallet_app.app_context():
        reimbursed = {"issuance": "normal", "reimbursement": "reimbursed", "reimbursed_amount": total}
        assert bill_store.apply_status(bill_id, reimbursed, version + 1)
        db.session.commit()
    after = client.get(f"/bills/{bill_id}").get_data(as_text=True)
    assert CHIP.search(after)[1] == "已报销", "the status is made afresh on every view"
    assert document_shown(after) == document_shown(before), "the document's part is the same, kept"


@pytest.fixture
def card_renders(monkeypatch) -> list[str]:
    """Each list card rendered (not taken from what a process kept), by the bill's issuer."""
    seen: list[str] = []
    render = Template.render

    def counted(self, *args, **kwargs):
        if self.name == kept_parts.CARD:
            seen.append(kwargs["bill"].issuer_name)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", counted)
    return seen


def test_a_list_made_afresh_renders_only_the_card_whose_bill_changed(
    client,
    wallet_app,
    network,
    fiscal_client,
    seeded_idp,
    card_renders,  # noqa: F811
):
    log_in(client, "p1")
    with wallet_app.app_context():
        rid = resident_for_id_number(persona("p1").id_number)
        sync_person(rid, persona("p1").id_number, fiscal_client)
    first = client.get("/").get_data(as_text=True)
    shown = CARD_LINK.findall(first)
    assert len(shown) > 1
    wallet_app.extensions[EXTENSION].clear()  # the page itself made afresh, as after any change
    card_renders.clear()
    assert CARDS.findall(client.get("/").get_data(as_text=True)) == CARDS.findall(first)
    assert card_renders == [], "every card was kept"
    with wallet_app.app_context():
        bill = db.session.scalars(
            select(Bill).where(Bill.id.in_([int(i) for i in shown]), Bill.reimbursement == "unreimbursed")
        ).first()
        assert bill is not None
        paid = {"issuance": "normal", "reimbursement": "reimbursed", "reimbursed_amount": bill.total}
        assert bill_store.apply_status(bill.id, paid, bill.version + 1)
        bill_store.bump_change_seq(rid)
        db.session.commit()
        issuer = bill.issuer_name
    after = client.get("/").get_data(as_text=True)
    assert card_renders == [issuer], "only the changed bill's card is made again"
    card = after.split(f'href="/bills/{bill.id}"')[1].split("</li>")[0]
    assert "已报销" in card


def test_a_card_never_shows_another_bills_text_under_the_same_row_id(stored_bill, wallet_app):  # noqa: F811
    view = BillView(stored_bill, holds={})
    kept = kept_parts.bill_card(view, "/bills/")
    other = Bill(
        id=stored_bill.id,
        resident_id=stored_bill.resident_id + 1,
        code="15010126",
        number="0000000001",
        version=stored_bill.version,
        type_key=stored_bill.type_key,
        type_name=stored_bill.type_name,
        issuer_name="另一家医院",
        province="15",
        issued_at=stored_bill.issued_at,
        total=stored_bill.total,
        issuance=stored_bill.issuance,
        reimbursement=stored_bill.reimbursement,
        reimbursed_amount=0,
    )
    card = kept_parts.bill_card(BillView(other, holds={}), "/bills/")
    assert "另一家医院" in card and "另一家医院" not in kept
