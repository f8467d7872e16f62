"""Finance decisions need a reason and are audited; the audit log and unit list are searchable."""

from __future__ import annotations

from sqlalchemy import select

from tests.wallet.finance.test_console import act, admin, pending_unit, state_of  # noqa: F401  (fixtures)
from wallet import audit
from wallet.extensions import db
from wallet.models import AuditEntry

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' OR 1=1 --", "%' ; DROP TABLE units; --")


def entries(wallet_app, prefix: str) -> list[AuditEntry]:
    with wallet_app.app_context():
        return list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id))
        )


def test_every_decision_and_the_login_are_audited_with_the_reason(admin, wallet_app, pending_unit):
    act(admin, pending_unit, "approve")
    act(admin, pending_unit, "freeze", "配合核查")
    assert act(admin, pending_unit, "unfreeze").status_code == 303
    assert state_of(wallet_app, pending_unit) == "frozen", "unfreezing needs a reason too"
    act(admin, pending_unit, "unfreeze", "核查完毕")
    logged = entries(wallet_app, "finance.")
    assert [e.action for e in logged] == ["finance.login", "finance.approve", "finance.freeze", "finance.unfreeze"]
    assert logged[2].subject == f"unit:{pending_unit}" and logged[2].detail["note"] == "配合核查"
    with wallet_app.app_context():
        assert audit.verify_chain().intact


def test_audit_search_filters_by_action_actor_and_date_and_pages(admin, wallet_app, pending_unit):
    with wallet_app.app_context():
        for n in range(audit.PAGE_SIZE + 5):
            audit.record_now("bill.view", f"resident:{n % 3}", f"bill:{n}")
    page = admin.get("/finance/audit?action=bill.view&actor=resident:1").get_data(as_text=True)
    assert page.count('class="audit-entry"') == len(range(1, audit.PAGE_SIZE + 5, 3))
    first = admin.get("/finance/audit?action=bill.").get_data(as_text=True)
    assert first.count('class="audit-entry"') == audit.PAGE_SIZE and "下一页" in first
    second = admin.get("/finance/audit?action=bill.&page=2").get_data(as_text=True)
    assert second.count('class="audit-entry"') == 5
    for page_text in ("²", "٢", "0", "-1", "x"):  # anything but a page number shows the first page
        answer = admin.get(f"/finance/audit?action=bill.&page={page_text}")
        assert answer.status_code == 200
        assert answer.get_data(as_text=True).count('class="audit-entry"') == audit.PAGE_SIZE
    assert (
        admin.get("/finance/audit?from=2000-01-01&to=2000-01-02").get_data(as_text=True).count('class="audit-entry"')
        == 0
    )
    assert admin.get("/finance/audit?from=yesterday").status_code == 400


def test_search_boxes_take_hostile_text_as_plain_text(admin, wallet_app, pending_unit):
    act(admin, pending_unit, "approve")
    for payload in PAYLOADS:
        for url in ("/finance/audit", "/finance/"):
            response = admin.get(url, query_string={"action": payload, "actor": payload, "q": payload})
            html = response.get_data(as_text=True)
            assert response.status_code == 200
            assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert state_of(wallet_app, pending_unit) == "active"


def test_unit_list_finds_by_name_or_credit_code(admin, wallet_app, pending_unit):
    act(admin, pending_unit, "approve")
    assert "呼和浩特市第一中学" in admin.get("/finance/?q=第一中学").get_data(as_text=True)
    assert "呼和浩特市第一中学" in admin.get("/finance/?q=12150100MB0K2N6Q32").get_data(as_text=True)
    assert "没有找到匹配" in admin.get("/finance/?q=不存在的单位").get_data(as_text=True)
