"""A resident closes their account: face verification, typed confirmation, nothing while a unit holds a lock."""

from __future__ import annotations

import json

from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from tests.conftest import csrf_token_of
from tests.support.network import persona
from tests.wallet.auth.flows import back_from_stub, log_in, signed_in_user_id
from tests.wallet.authorization.fixtures import as_unit, auth_row, claimable, grant, resident_id_of
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import AccessEvent, AuditEntry, AuthorizationReceipt, Bill, Claim, Notification, Resident, SyncState
from wallet.services.reimbursement import Feedback, lock_claim, record_feedback

OWNED = (Bill, Claim, AuthorizationReceipt, Notification, AccessEvent, SyncState)


def face_verified(client, stub_browser) -> None:
    back = back_from_stub(client, "/auth/step-up?next=/me/deactivate", http=stub_browser)
    assert back.status_code == 302 and back.headers["Location"] == "/me/deactivate"


def submit(client, phrase: str = "注销账户"):
    page = client.get("/me/deactivate")
    assert page.status_code == 200, page.headers.get("Location")
    return client.post(
        "/me/deactivate", data={"csrf_token": csrf_token_of(page.get_data(as_text=True)), "confirm": phrase}
    )


def counts(wallet_app, resident_id: int) -> dict[str, int]:
    with wallet_app.app_context():
        db.session.expire_all()
        found = {
            m.__tablename__: int(
                db.session.execute(select(func.count()).select_from(m).where(m.resident_id == resident_id)).scalar_one()
            )
            for m in OWNED
        }
        found["residents"] = int(
            db.session.execute(
                select(func.count()).select_from(Resident).where(Resident.id == resident_id)
            ).scalar_one()
        )
        return found


def test_deactivation_asks_for_face_verification_first(resident_client, wallet_app):
    rid = resident_id_of(wallet_app)
    asked = resident_client.get("/me/deactivate")
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/auth/step-up?next=/me/deactivate")
    before = counts(wallet_app, rid)
    token = csrf_token_of(resident_client.get("/me").get_data(as_text=True))
    posted = resident_client.post("/me/deactivate", data={"csrf_token": token, "confirm": "注销账户"})
    assert posted.status_code == 302 and posted.headers["Location"].startswith("/auth/step-up")
    assert counts(wallet_app, rid) == before and before["residents"] == 1


def test_a_wrong_confirmation_changes_nothing(resident_client, wallet_app, stub_browser):
    rid = resident_id_of(wallet_app)
    face_verified(resident_client, stub_browser)
    before = counts(wallet_app, rid)
    refused = submit(resident_client, "注销")
    assert "Clear-Site-Data" not in refused.headers
    assert refused.status_code == 422 and "请在输入框中输入“注销账户”" in refused.get_data(as_text=True)
    assert counts(wallet_app, rid) == before and signed_in_user_id(resident_client) == f"resident:{rid}"


def test_a_mongolian_page_asks_for_the_phrase_in_mongolian_and_accepts_it(resident_client, wallet_app, stub_browser):
    rid = resident_id_of(wallet_app)
    face_verified(resident_client, stub_browser)
    token = csrf_token_of(resident_client.get("/me").get_data(as_text=True))
    resident_client.post("/language", data={"csrf_token": token, "locale": "mn-Mong-CN", "next": "/me"})
    with wallet_app.test_request_context(), force_locale("mn_Mong_CN"):
        phrase = str(gettext("注销账户"))
        label = str(gettext("请输入“%(phrase)s”以确认", phrase=phrase))
    assert phrase != "注销账户"
    assert label in resident_client.get("/me/deactivate").get_data(as_text=True)
    assert submit(resident_client, phrase).status_code == 302
    assert counts(wallet_app, rid)["residents"] == 0


def test_deactivation_is_refused_while_a_unit_holds_a_lock_and_nothing_changes(
    resident_client, wallet_app, demo_units, stub_browser
):
    rid = resident_id_of(wallet_app)
    locked, waiting = grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 2))
    as_unit(wallet_app, "insurer", lock_claim, locked)
    face_verified(resident_client, stub_browser)
    before = counts(wallet_app, rid)
    refused = submit(resident_client)
    assert refused.status_code == 409
    assert "正在处理您的票据（已锁定），暂时不能注销账户" in refused.get_data(as_text=True)
    assert counts(wallet_app, rid) == before
    assert auth_row(wallet_app, locked).state == "locked" and auth_row(wallet_app, waiting).state == "authorized"
    assert signed_in_user_id(resident_client) == f"resident:{rid}"


def test_deactivation_revokes_erases_keeps_reimbursements_anonymised_and_logs_out(
    resident_client, wallet_app, demo_units, stub_browser
):
    rid = resident_id_of(wallet_app)
    paid, waiting = grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 2), claim_ref="LP-1")
    as_unit(wallet_app, "insurer", lock_claim, paid)
    as_unit(
        wallet_app,
        "insurer",
        record_feedback,
        paid,
        Feedback(1000, "S-1", "V-1", auth_row(wallet_app, paid).created_at),
    )
    paid_bill = auth_row(wallet_app, paid).bill_id
    other_device = wallet_app.test_client()
    log_in(other_device, "p1")
    face_verified(resident_client, stub_browser)
    done = submit(resident_client)
    assert done.status_code == 302 and signed_in_user_id(resident_client) is None
    assert done.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert other_device.get("/").status_code == 200 and signed_in_user_id(other_device) is None
    left = counts(wallet_app, rid)
    assert left == {
        "bills": 1,
        "claims": 1,
        "authorization_receipts": 1,
        "notifications": 0,
        "access_events": 0,
        "sync_states": 0,
        "residents": 1,
    }
    with wallet_app.app_context():
        kept = db.session.get(Claim, paid)
        assert kept.state == "reimbursed" and kept.bill_id == paid_bill
        assert db.session.get(Claim, waiting) is None
        tombstone = db.session.get(Resident, rid)
        assert tombstone.name == "已注销用户" and tombstone.id_number == ""
        assert resident_for_id_number(persona("p1").id_number) is None
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resident.deactivate"))
    assert actions.index("authorization.revoke") < actions.index("resident.deactivate")
    deleted = entry.detail.pop("deleted_bills")
    assert deleted > 0 and entry.detail == {"revoked": 1, "kept_authorizations": 1, "account": "anonymised"}
    written = json.dumps(entry.detail, ensure_ascii=False) + entry.actor_id + entry.subject
    assert persona("p1").name not in written and persona("p1").id_number not in written


def test_after_deactivation_the_account_is_gone_and_logging_in_starts_a_fresh_activation(
    resident_client, wallet_app, stub_browser
):
    rid = resident_id_of(wallet_app)
    face_verified(resident_client, stub_browser)
    assert submit(resident_client).status_code == 302
    assert counts(wallet_app, rid) == {
        "bills": 0,
        "claims": 0,
        "authorization_receipts": 0,
        "notifications": 0,
        "access_events": 0,
        "sync_states": 0,
        "residents": 0,
    }
    again = back_from_stub(resident_client, "/login", http=stub_browser, persona="p1")
    assert again.status_code == 302 and again.headers["Location"].endswith("/activate")
    assert "开通" in resident_client.get("/activate").get_data(as_text=True)


def test_the_me_page_links_to_export_and_deactivation(resident_client):
    page = resident_client.get("/me").get_data(as_text=True)
    assert 'href="/me/export"' in page and 'href="/me/deactivate"' in page
