"""A resident's totals and filter choices, read from the kept ``bill_summaries``.

The list page shows the totals of the current filter and the filter choices on every
view. Counting 10,000 bills after each change is what made a freshly made page slow; the
groups (one per year, type, province and status) are kept by every writer of the bills
in the same transaction (``bill_store.summary_kept_up``), so a view adds up a few hundred
kept rows in the database instead, for any filter without search text.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, cast, func, literal, select, union_all, update

from common.i18n import current_locale
from common.regions import PROVINCE_NAMES
from common.translatable import gettext
from wallet.extensions import db
from wallet.models.bill import BillSummary
from wallet.models.collection import SyncState
from wallet.services.bill_queries import ISSUANCE_STATUSES, REIMBURSABLE, STATUS_FILTERS, BillFilter

# The table's columns, not the mapped class: these reads build no objects, and a statement of
# plain columns skips the ORM's per-statement work (most of a read this small).
SUMMARIES = BillSummary.__table__.c


def totals(resident_id: int, f: BillFilter) -> tuple[int, int]:
    """Count and amount (fen) of the bills ``f`` selects, as ``bill_queries.totals`` counts them:
    their face value, or under "可报销" the positive bills and what units may still reimburse."""
    if f.q:
        raise ValueError("search text cannot be answered from the summary")
    params = {"resident_id": resident_id, "year": f.year, "type_key": f.type_key, "province": f.province}
    params = {name: value for name, value in params.items() if value}
    row = db.session.execute(totals_statement(tuple(sorted(params)), f.status), params).one()
    return int(row[0]), int(row[1])


@lru_cache(maxsize=64)
def totals_statement(names: tuple[str, ...], status: str | None) -> Any:
    """The totals of one shape of filter (which values are bound, which status), built once: every
    freshly made list page reads one, and a statement reused as it is is compiled and keyed once."""
    s = SUMMARIES
    conditions: list[Any] = [s.resident_id == bindparam("resident_id")]
    for name, column in (("year", s.issue_year), ("type_key", s.type_key), ("province", s.province)):
        if name in names:
            conditions.append(column == bindparam(name))
    count, amount = s.bills, s.amount
    if status == "reimbursable":
        conditions += [s.issuance == "normal", s.reimbursement.in_(REIMBURSABLE)]
        count, amount = s.positive_bills, s.claimable_left
    elif status in ISSUANCE_STATUSES:
        conditions.append(s.issuance == status)
    elif status:
        conditions.append(s.reimbursement == status)
    return select(func.coalesce(func.sum(count), 0), func.coalesce(func.sum(amount), 0)).where(*conditions)


class Facets(NamedTuple):
    """The filter choices as (value, label) pairs; a value of their own, so the filter fields
    rendered from them are kept under them (common.kept_frame)."""

    years: tuple[tuple[str, str], ...]
    types: tuple[tuple[str, str], ...]
    provinces: tuple[tuple[str, str], ...]
    statuses: tuple[tuple[str, str], ...]


def facets(resident_id: int, sync: SyncState | None = None) -> Facets:
    """The filter choices that exist among the resident's bills: as kept in their sync state by the
    last writer of their bills, or (before any writer kept them) read in one statement."""
    if sync is not None and sync.facets is not None:
        return _facets_kept(sync.facets, current_locale())
    return _facets(facet_rows(resident_id))


@lru_cache(maxsize=2048)
def _facets_kept(kept: str, locale: str) -> Facets:
    """The choices of a kept text, once per process and language: residents share choices, and
    labelling forty of them anew on every list made afresh cost a twentieth of it. ``locale`` is
    the one the labels are said in (the request's), part of what they are kept under."""
    return _facets(json.loads(kept))


def _facets(rows: list[list[str]]) -> Facets:
    years = sorted((int(v) for k, v, _ in rows if k == "year"), reverse=True)
    types = sorted(((v, n) for k, v, n in rows if k == "type"), key=lambda t: (t[1], t[0]))
    provinces = sorted(v for k, v, _ in rows if k == "province")
    return Facets(
        years=tuple((str(y), gettext("%(year)s年", year=y)) for y in years),
        types=tuple((str(v), str(n)) for v, n in types),
        provinces=tuple((p, str(PROVINCE_NAMES.get(p, p))) for p in provinces),
        statuses=tuple((key, str(label)) for key, label in STATUS_FILTERS.items()),
    )


def facet_rows(resident_id: int) -> list[list[str]]:
    """(kind, value, label) of each filter choice, read from the summary."""
    return [list(row) for row in db.session.execute(FACETS, {"resident_id": resident_id})]


def keep_facets(resident_ids: list[int]) -> None:
    """Keep the residents' filter choices in their sync states, in the caller's transaction (the one that
    changed their summary): every freshly made list page shows them, and reading three ``DISTINCT``s of a
    few hundred groups cost a tenth of such a page."""
    for resident_id in resident_ids:
        kept = json.dumps(facet_rows(resident_id), ensure_ascii=False, separators=(",", ":"))
        db.session.execute(update(SyncState).where(SyncState.resident_id == resident_id).values(facets=kept))


def _distinct(kind: str, value: Any, label: Any) -> Any:
    mine = SUMMARIES.resident_id == bindparam("resident_id")
    return select(literal(kind), value, label).where(mine).distinct()


# Built once: a statement reused as it is is compiled once and keyed once, and this read runs on
# every freshly made list page.
FACETS = union_all(
    _distinct("year", cast(SUMMARIES.issue_year, String(4)), literal("")),
    _distinct("type", SUMMARIES.type_key, SUMMARIES.type_name),
    _distinct("province", SUMMARIES.province, literal("")),
)
