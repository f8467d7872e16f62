"""A guardian shares a child's bill like their own: the link holds the child's bill, lists under the child,
and the sharing is in the child's access history; nobody else reaches the child's links."""

from __future__ import annotations

from sqlalchemy import select

from tests.wallet.authorization.fixtures import form_token, resident_http_login
from tests.wallet.family.helpers import ELDEST, add_child, bill_ids, collect_child, issue_to_child
from wallet.extensions import db
from wallet.models import AccessEvent
from wallet.models.share import ShareLink


def test_a_guardian_shares_a_childs_bill_from_the_childs_tab(
    system, seeded_idp, wallet_app, fiscal_app, fiscal_client, demo_units
):
    issue_to_child(fiscal_app, ELDEST, type_key="medical_outpatient", amount=26600)
    url = system.url
    mother = resident_http_login(url, "p1")
    add_child(mother, url)
    child = collect_child(wallet_app, fiscal_client)
    (bill,) = bill_ids(wallet_app, child)

    form = mother.get(f"{url}/family/{child}/shares/new?bill={bill}", timeout=10)
    assert form.status_code == 200
    made = mother.post(
        f"{url}/family/{child}/shares",
        data={"csrf_token": form_token(form.text), "bill": str(bill), "purpose": "insurance", "days": "7"},
        allow_redirects=False,
        timeout=10,
    )
    assert made.status_code == 303 and made.headers["Location"].startswith(f"/family/{child}/shares/")
    with wallet_app.app_context():
        link = db.session.scalars(select(ShareLink)).one()
        events = db.session.scalars(select(AccessEvent).where(AccessEvent.resident_id == child)).all()
    assert link.resident_id == child  # the child's link, not the guardian's
    assert [(e.kind, e.actor_label, e.bill_id) for e in events if e.kind == "family_share"] == [
        ("family_share", "监护人 乌*娜", bill)
    ]
    assert mother.get(f"{url}/family/{child}/shares", timeout=10).status_code == 200
    assert "保险理赔" in mother.get(f"{url}{made.headers['Location']}", timeout=10).text
    assert mother.get(f"{url}/shares/{link.id}", timeout=10).status_code == 404  # not among the guardian's own

    stranger = resident_http_login(url, "p2", face=False)
    assert stranger.get(f"{url}/family/{child}/shares/{link.id}", timeout=10).status_code == 404
