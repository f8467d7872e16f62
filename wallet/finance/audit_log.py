"""The audit log in the finance console (search, paginated) and ``flask wallet audit-verify``."""
from __future__ import annotations

import sys
from datetime import date

import click
from flask import render_template, request

from common.identifiers import positive_int
from wallet.audit import PAGE_SIZE, AuditQuery, search, verify_chain
from wallet.cli import cli
from wallet.finance import bp
from wallet.finance.admin import admin_required


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()[:10]) if raw and raw.strip() else None
    except ValueError:
        return None


@bp.get("/audit")
@admin_required
def audit() -> tuple[str, int]:
    args = request.args
    query = AuditQuery(action=(args.get("action") or "").strip()[:48], actor=(args.get("actor") or "").strip()[:80],
                       day_from=_day(args.get("from")), day_to=_day(args.get("to")))
    bad_day = any(args.get(k, "").strip() and _day(args.get(k)) is None for k in ("from", "to"))
    page = args.get("page", "1")
    page_no = positive_int(page, 99_999) or 1
    entries, total = search(query, page_no)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("wallet/finance/audit.html", entries=entries, total=total, page=page_no, pages=pages,
                           query=query, raw=args, bad_day=bad_day), 400 if bad_day else 200


@cli.command("audit-verify")
def audit_verify() -> None:
    """Walk the audit log's hash chain; exit 1 naming the first edited, inserted or deleted entry."""
    report = verify_chain()
    if report.intact:
        click.echo(f"audit log intact: {report.checked} entries")
        return
    click.echo(f"audit log broken: {report.problem}", err=True)
    sys.exit(1)
