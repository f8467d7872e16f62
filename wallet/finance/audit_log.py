"""The audit log in the finance console (search, paginated; the chain's state and a verification
run on demand) and ``flask wallet audit-verify``."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click
from flask import redirect, render_template, request, url_for

from common.identifiers import positive_int
from common.web import render_error
from wallet import audit_runs
from wallet.audit import PAGE_SIZE, AuditQuery, search
from wallet.cli import cli
from wallet.finance import bp
from wallet.finance.admin import FinanceAdmin, admin_required


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()[:10]) if raw and raw.strip() else None
    except ValueError:
        return None


@bp.get("/audit")
@admin_required
def audit() -> tuple[str, int]:
    args = request.args
    query = AuditQuery(
        action=(args.get("action") or "").strip()[:48],
        actor=(args.get("actor") or "").strip()[:80],
        day_from=_day(args.get("from")),
        day_to=_day(args.get("to")),
    )
    bad_day = any(args.get(k, "").strip() and _day(args.get(k)) is None for k in ("from", "to"))
    page = args.get("page", "1")
    page_no = positive_int(page, 99_999) or 1
    entries, total = search(query, page_no)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template(
        "wallet/finance/audit.html",
        entries=entries,
        total=total,
        page=page_no,
        pages=pages,
        query=query,
        raw=args,
        bad_day=bad_day,
        chain=audit_runs.chain_state(),
    ), 400 if bad_day else 200


def _chain_panel() -> Any:
    """The chain panel alone for htmx (it polls itself while a run is under way); the page otherwise (303)."""
    if request.headers.get("HX-Request"):
        return render_template("wallet/finance/_audit_chain.html", chain=audit_runs.chain_state())
    return redirect(url_for("finance.audit", _anchor="chain"), code=303)


@bp.post("/audit/verify")
@admin_required
def audit_verify_start() -> Any:
    admin = FinanceAdmin()
    run = audit_runs.start(admin.get_id(), admin)
    audit_runs.advance(run.id)
    return _chain_panel()


@bp.post("/audit/verify/<int(max=2147483647):run_id>")
@admin_required
def audit_verify_step(run_id: int) -> Any:
    run, _ = audit_runs.advance(run_id)
    if run is None:
        return render_error(404, "没有找到这次核验，请刷新审计日志页面后重新核验。")
    return _chain_panel()


@cli.command("audit-verify")
def audit_verify() -> None:
    """Walk the audit log's hash chain and every published head; exit 1 naming the first broken link."""
    run, fault = audit_runs.run_to_end("cli")
    if fault is None:
        click.echo(
            f"audit log intact: {run.last_id} entries, {run.heads_checked} published heads match; head {run.last_hash}"
        )
        return
    click.echo(f"audit log broken at entry {fault.entry_id}: {fault.message}", err=True)
    sys.exit(1)
