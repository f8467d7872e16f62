"""Platform figures per unit and per month, checked against counts the test makes from its own rows."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from tests.wallet.authorization.fixtures import claimable, collect, grant
from tests.wallet.finance.test_console import admin  # noqa: F401  (fixture)
from wallet.extensions import db
from wallet.models import Claim

UTC = UTC
BEIJING = ZoneInfo("Asia/Shanghai")
# (unit, state, created at, reimbursed at, amount in fen); 2026-10-31 17:30 UTC is already November in Beijing.
PLAN = [
    ("insurer", "locked", datetime(2026, 10, 31, 17, 30, tzinfo=UTC), None, 0),
    (
        "insurer",
        "reimbursed",
        datetime(2026, 9, 3, 2, 0, tzinfo=UTC),
        datetime(2026, 10, 31, 17, 30, tzinfo=UTC),
        1234567,
    ),
    ("insurer", "reimbursed", datetime(2026, 9, 20, 2, 0, tzinfo=UTC), datetime(2026, 9, 21, 2, 0, tzinfo=UTC), 100000),
    ("insurer", "authorized", datetime(2026, 11, 2, 2, 0, tzinfo=UTC), None, 0),
    ("agency", "rejected", datetime(2026, 9, 5, 2, 0, tzinfo=UTC), None, 0),
    ("agency", "reimbursed", datetime(2026, 11, 5, 2, 0, tzinfo=UTC), datetime(2026, 11, 6, 2, 0, tzinfo=UTC), 99),
]


def fen(value: int) -> str:
    return f"¥{value // 100:,}.{value % 100:02d}"


def table_rows(html: str, table_id: str) -> dict[str, dict[str, str]]:
    table = re.search(rf'<table class="plain figures-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert table, f"no table {table_id}"
    rows = {}
    for label, body in re.findall(r'<tr data-row="([^"]+)">(.*?)</tr>', table.group(1), re.S):
        cells = re.findall(r'<td class="num" data-col="(\w+)">(.*?)</td>', body, re.S)
        rows[label] = {col: re.sub(r"<[^>]+>", "", text).strip() for col, text in cells}
        if label != "合计":
            bar = re.search(r'<td class="bar-cell">(.*?)</td>', body, re.S)
            assert bar and rows[label]["amount"] in re.sub(r"<[^>]+>", " ", bar.group(1)), "each bar shows its value"
    return rows


def plant(wallet_app, network, resident_id: int, fiscal_client, demo_units: dict[str, int]) -> None:
    """Claims of the demo units in every state of ``PLAN``, over three months (set-up, not under test)."""
    for amount in (52000, 61000, 73000, 88000, 91000, 99000):
        network.issue("p1", amount=amount)
    collect(wallet_app, fiscal_client, "p1")
    bills = claimable(wallet_app, resident_id, len(PLAN))
    ids = [
        grant(wallet_app, resident_id, demo_units[unit], [bill])[0]
        for (unit, *_), bill in zip(PLAN, bills, strict=True)
    ]
    with wallet_app.app_context():
        for auth_id, (_, state, created, paid, amount) in zip(ids, PLAN, strict=True):
            auth = db.session.get_one(Claim, auth_id)
            auth.state, auth.created_at, auth.reimbursed_at, auth.amount = state, created, paid, amount
            if state not in ("authorized", "locked"):
                auth.open_key = None
        db.session.commit()


def expected(unit_names: dict[str, str]) -> tuple[dict[str, Counter], dict[str, Counter]]:
    """The figures counted by hand from ``PLAN``: claims and locks by the Beijing month a claim
    arrived, reimbursements by the Beijing month they were recorded."""
    by_unit: dict[str, Counter] = defaultdict(Counter)
    by_month: dict[str, Counter] = defaultdict(Counter)
    for unit, state, created, paid, amount in PLAN:
        for tally in (by_unit[unit_names[unit]], by_month[created.astimezone(BEIJING).strftime("%Y-%m")]):
            tally["claims"] += 1
            tally["locked"] += int(state == "locked")
        if state == "reimbursed":
            assert paid is not None, "a reimbursed claim in the plan has its time"
            for tally in (by_unit[unit_names[unit]], by_month[paid.astimezone(BEIJING).strftime("%Y-%m")]):
                tally["reimbursed"] += 1
                tally["amount"] += amount
    return by_unit, by_month


def test_figures_per_unit_and_per_month_match_the_rows_behind_them(
    admin, wallet_app, network, collected, fiscal_client, demo_units
):
    plant(wallet_app, network, collected, fiscal_client, demo_units)
    with wallet_app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM claims")).scalar_one() == len(PLAN)
        names = dict(db.session.execute(text("SELECT id, name FROM units")).all())
    by_unit, by_month = expected({key: names[unit_id] for key, unit_id in demo_units.items()})
    assert by_month["2026-11"]["locked"] == 1 and by_month["2026-11"]["amount"] == 1234567 + 99, "Beijing months"

    html = admin.get("/finance/figures").get_data(as_text=True)
    for table_id, counted in (("by-unit", by_unit), ("by-month", by_month)):
        shown = table_rows(html, table_id)
        for label, want in counted.items():
            assert shown[label] == {
                "claims": f"{want['claims']:,}",
                "locked": f"{want['locked']:,}",
                "reimbursed": f"{want['reimbursed']:,}",
                "amount": fen(want["amount"]),
            }, label
        total = sum(counted.values(), Counter())
        assert shown["合计"]["amount"] == fen(total["amount"]) and shown["合计"]["claims"] == f"{total['claims']:,}"
    assert shown["2026-11"]["amount"] == "¥12,346.66", "thousands separators"
    assert list(table_rows(html, "by-month")) == ["2026-11", "2026-09", "合计"]
    assert "北疆人寿保险股份有限公司内蒙古分公司" in table_rows(html, "by-unit")
    assert "呼和浩特青城数字科技有限公司" in table_rows(html, "by-unit"), "a unit without claims is listed with zeros"
