"""The console: the network operator issues, red-reverses and exchanges bills; an issuing unit sees its
locks, certificates, batches and UKeys and writes off its cycles; the finance department supervises the
units, reviews 异常票据, reads the warnings and searches the bills."""

from __future__ import annotations

from flask import Blueprint

from common.money import yuan, yuan_display

bp = Blueprint("fiscal_console", __name__)
bp.add_app_template_filter(yuan, "yuan")
bp.add_app_template_filter(yuan_display, "yuan_display")

from fiscal_stub.console import (  # noqa: E402,F401  (route modules)
    finance_insight_views,
    finance_review_views,
    finance_views,
    finance_writeoff_views,
    recovery_views,
    rule_views,
    unit_issue_views,
    unit_views,
    unit_writeoff_views,
    views,
)
