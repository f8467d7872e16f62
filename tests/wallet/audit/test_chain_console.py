"""The finance console shows the chain (entries, head, last verification) and verifies it on demand,
a slice per request on a long chain; the result is stored, so it outlives the process."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from tests.conftest import csrf_token_of
from tests.wallet.audit.chain_tools import append, append_raw
from tests.wallet.finance.test_console import admin  # noqa: F401  (fixture)
from wallet import audit_chain, audit_heads, audit_runs
from wallet.audit_chain import chain_end
from wallet.extensions import db
from wallet.models import AuditEntry
from wallet.models.audit import AuditVerification


def runs(wallet_app) -> list[AuditVerification]:
    with wallet_app.app_context():
        return list(db.session.scalars(select(AuditVerification).order_by(AuditVerification.id)))


def start(admin, **headers):
    token = csrf_token_of(admin.get("/finance/audit").get_data(as_text=True))
    return admin.post("/finance/audit/verify", data={"csrf_token": token}, headers=headers)


def test_the_page_shows_entries_head_and_that_the_chain_was_never_verified(admin, wallet_app):
    append(wallet_app, 3)
    with wallet_app.app_context():
        head_id, head_hash = chain_end()
    page = admin.get("/finance/audit").get_data(as_text=True)
    assert f"{head_id} 条" in page and "从未核验" in page
    assert f'title="{head_hash}"' in page and f"{head_hash[:12]}…{head_hash[-6:]}" in page
    assert f'data-testid="chain-head-full">{head_hash}</code>' in page
    assert "立即核验" in page and "尚未发布" in page


def test_verifying_needs_the_csrf_token_and_changes_nothing_without_it(admin, wallet_app):
    append(wallet_app, 2)
    assert admin.post("/finance/audit/verify").status_code == 400
    assert runs(wallet_app) == []


def test_running_a_verification_stores_and_shows_who_when_and_the_result(admin, wallet_app):
    append(wallet_app, 4)
    answer = start(admin)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/finance/audit#chain")
    [run] = runs(wallet_app)
    assert (run.state, run.last_id, run.started_by) == ("intact", 5, "finance:1")  # 4 + the admin's login
    page = admin.get("/finance/audit").get_data(as_text=True)
    last = re.search(r'data-testid="chain-last-verified">(.*?)</dd>', page, re.S).group(1)
    assert "财政部门管理员" in last and "完好" in last and "5 条记录" in last
    with wallet_app.app_context():
        logged = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.verify"))
        assert (logged.actor_kind, logged.actor_id, logged.subject) == ("finance", "1", f"audit_verification:{run.id}")


def test_a_broken_chain_is_shown_with_the_entry_and_what_is_wrong(admin, wallet_app):
    append(wallet_app, 4)
    with wallet_app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(subject="bill:forged"))
        db.session.commit()
    panel = start(admin, **{"HX-Request": "true"})
    html = panel.get_data(as_text=True)
    assert panel.status_code == 200
    assert 'id="chain"' in html and "<html" not in html, "htmx gets the panel alone"
    assert "链条断裂" in html and "哈希不符：第 3 条" in html and "请保全数据库" in html
    assert runs(wallet_app)[-1].fault_id == 3


def test_a_long_chain_is_verified_a_slice_per_request_with_progress(admin, wallet_app, monkeypatch):
    append(wallet_app, 5)
    monkeypatch.setattr(audit_chain, "BATCH", 2)
    monkeypatch.setattr(audit_runs, "SLICE_SECONDS", 0.0)
    first = start(admin, **{"HX-Request": "true"}).get_data(as_text=True)
    run = runs(wallet_app)[-1]
    assert run.state == "running" and run.up_to == 6
    assert 'data-testid="chain-progress">2</strong> / 6' in first
    assert f'hx-post="/finance/audit/verify/{run.id}"' in first and 'hx-trigger="load delay:300ms"' in first
    token = csrf_token_of(admin.get("/finance/audit").get_data(as_text=True))
    step = admin.post(f"/finance/audit/verify/{run.id}", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert 'data-testid="chain-progress">4</strong> / 6' in step.get_data(as_text=True)
    page = admin.get("/finance/audit").get_data(as_text=True)  # without script: a button asks for the next slice
    assert f'action="/finance/audit/verify/{run.id}"' in page and "继续核验" in page
    again = start(admin, **{"HX-Request": "true"}).get_data(as_text=True)
    assert len(runs(wallet_app)) == 1, "asking again joins the run under way"
    assert "完好" in again and "6 条记录" in again and "hx-trigger" not in again
    assert runs(wallet_app)[-1].state == "intact"


def test_a_head_published_while_a_run_is_under_way_is_no_false_alarm(wallet_app, monkeypatch):
    append(wallet_app, 5)
    monkeypatch.setattr(audit_chain, "BATCH", 2)
    monkeypatch.setattr(audit_runs, "SLICE_SECONDS", 0.0)
    with wallet_app.app_context():
        run = audit_runs.start("finance:1", None)
        audit_runs.advance(run.id)
        append(wallet_app, 3)
        head = audit_heads.publish_head()
        assert head is not None and head.count > run.up_to
        while run.state == "running":
            run, fault = audit_runs.advance(run.id)
    assert (run.state, run.last_id, fault) == ("intact", 5, None)


def test_a_step_of_an_unknown_run_is_a_404_in_chinese(admin, wallet_app):
    token = csrf_token_of(admin.get("/finance/audit").get_data(as_text=True))
    answer = admin.post("/finance/audit/verify/999", data={"csrf_token": token})
    assert answer.status_code == 404 and "没有找到这次核验" in answer.get_data(as_text=True)
    for odd in ("99999999999", "-1", "x", "²"):  # past the column's range, or no number at all
        assert admin.post(f"/finance/audit/verify/{odd}", data={"csrf_token": token}).status_code == 404
    assert runs(wallet_app) == []


def test_the_console_needs_the_administrator(client, wallet_app):
    page = client.get("/finance/login").get_data(as_text=True)
    answer = client.post("/finance/audit/verify", data={"csrf_token": csrf_token_of(page)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/finance/login"
    assert client.get("/finance/audit").headers["Location"] == "/finance/login"
    assert runs(wallet_app) == []


def test_the_published_head_is_shown_and_in_the_outbox(admin, wallet_app):
    append(wallet_app, 2)
    with wallet_app.app_context():
        head = audit_heads.publish_head()
    page = admin.get("/finance/audit").get_data(as_text=True)
    assert f"第 {head.count} 条" in page and f'title="{head.head_hash}"' in page
    outbox = admin.get("/finance/outbox").get_data(as_text=True)
    assert f"审计日志链头 {head.day.isoformat()}" in outbox and head.head_hash in outbox


def test_the_log_lists_an_entry_whose_detail_is_not_json(admin, wallet_app, db_backend):
    append(wallet_app, 1)
    if db_backend == "postgresql":
        # PostgreSQL's json column refuses such text outright; the log lists what it holds.
        with pytest.raises(DBAPIError):
            append_raw(wallet_app, "旧系统导入 <b>17</b>")
        assert admin.get("/finance/audit").status_code == 200
        return
    append_raw(wallet_app, "旧系统导入 <b>17</b>")
    page = admin.get("/finance/audit")
    assert page.status_code == 200 and "旧系统导入 &lt;b&gt;17&lt;/b&gt;" in page.get_data(as_text=True)
