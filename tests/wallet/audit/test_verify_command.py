"""`flask wallet audit-verify` checks every entry and every published head, names the first broken
link by id, time and kind, exits non-zero on a broken chain, and stores its result."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from tests.wallet.audit.chain_tools import append, append_raw, rewrite_from, shown_at, verify
from wallet.audit_heads import publish_head
from wallet.extensions import db
from wallet.models import AuditEntry
from wallet.models.audit import AuditVerification


def stored_runs(wallet_app) -> list[AuditVerification]:
    with wallet_app.app_context():
        return list(db.session.scalars(select(AuditVerification).order_by(AuditVerification.id)))


@pytest.mark.parametrize("detail", ["not json {", "旧系统导入：审批单 17", '"a JSON string, not an object"', "[1, 2]"])
def test_an_entry_whose_detail_is_not_a_json_object_verifies(wallet_app, db_backend, detail):
    append(wallet_app, 2)
    if db_backend == "postgresql" and not detail.startswith(('"', "[")):
        # PostgreSQL's json column refuses such text outright: the chain can never hold it there.
        with pytest.raises(DBAPIError):
            append_raw(wallet_app, detail)
        code, output = verify(wallet_app)
        assert code == 0 and "intact: 2 entries" in output, output
        return
    odd = append_raw(wallet_app, detail)
    append(wallet_app, 2)
    code, output = verify(wallet_app)
    assert code == 0, output
    assert "intact: 5 entries" in output
    with wallet_app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == odd).values(subject="bill:1"))
        db.session.commit()
    code, output = verify(wallet_app)
    assert code != 0 and f"entry {odd} at {shown_at(wallet_app, odd)}" in output and "hash mismatch" in output


def test_an_edited_entry_is_named_with_its_time(wallet_app):
    append(wallet_app, 5)
    with wallet_app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(subject="bill:999"))
        db.session.commit()
    code, output = verify(wallet_app)
    assert code == 1
    assert f"broken at entry 3: hash mismatch: entry 3 at {shown_at(wallet_app, 3)}" in output
    run = stored_runs(wallet_app)[-1]
    assert (run.state, run.fault_kind, run.fault_id, run.started_by) == ("broken", "hash_mismatch", 3, "cli")
    assert "第 3 条" in run.fault_text and "哈希不符" in run.fault_text


def test_a_deleted_entry_is_named_as_a_gap_with_the_time_of_the_entry_after_it(wallet_app):
    append(wallet_app, 5)
    after = shown_at(wallet_app, 3)
    with wallet_app.app_context():
        db.session.execute(delete(AuditEntry).where(AuditEntry.id == 2))
        db.session.commit()
    code, output = verify(wallet_app)
    assert code == 1
    assert f"broken at entry 2: gap in ids: entry 2 was deleted (entry 3 at {after}" in output
    assert stored_runs(wallet_app)[-1].fault_kind == "gap"


def test_a_tail_rewritten_after_a_published_head_is_caught_by_that_head(wallet_app):
    append(wallet_app, 5)
    with wallet_app.app_context():
        head = publish_head()
    assert head is not None and head.count == 5
    append(wallet_app, 3)
    assert verify(wallet_app)[0] == 0
    rewrite_from(wallet_app, 4, "bill:forged")
    with wallet_app.app_context():  # every link is consistent again: only the published head can tell
        assert db.session.get(AuditEntry, 5).hash != head.head_hash
    code, output = verify(wallet_app)
    assert code == 1
    assert (
        f"broken at entry 5: published head mismatch: entry 5 at {shown_at(wallet_app, 5)} (UTC+8) "
        f"differs from the head published on {head.day.isoformat()}"
    ) in output
    assert stored_runs(wallet_app)[-1].fault_kind == "published_mismatch"


def test_a_whole_chain_rewritten_from_its_first_entry_is_caught(wallet_app):
    append(wallet_app, 4)
    with wallet_app.app_context():
        publish_head()
    rewrite_from(wallet_app, 1, "bill:forged")
    code, output = verify(wallet_app)
    assert code == 1 and "broken at entry 4: published head mismatch" in output


def test_entries_cut_off_the_end_after_a_published_head_are_caught(wallet_app):
    append(wallet_app, 6)
    with wallet_app.app_context():
        publish_head()
        db.session.execute(delete(AuditEntry).where(AuditEntry.id >= 5))
        db.session.commit()
    code, output = verify(wallet_app)
    assert code == 1 and "broken at entry 5: truncated" in output and "has 6 entries" in output


def test_an_intact_chain_with_published_heads_passes_and_the_run_is_kept(wallet_app):
    append(wallet_app, 3)
    with wallet_app.app_context():
        publish_head()
    append(wallet_app, 2)
    code, output = verify(wallet_app)
    assert code == 0 and "intact: 6 entries, 1 published heads match" in output
    run = stored_runs(wallet_app)[-1]
    assert (run.state, run.last_id, run.heads_checked, run.fault_kind) == ("intact", 6, 1, "")
    assert run.finished_at is not None
