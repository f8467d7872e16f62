"""Writing verified bills and their status into the wallet in bulk, idempotently.

Collection goes through Core upserts keyed on (resident, code, number) and guarded by
the status version, so a page delivered twice, a feed event replayed, or two workers
racing never duplicate a bill or move its status backwards.

Every write of ``bills`` also keeps the residents' ``bill_summaries`` (totals and filter
choices of the list page) in the same transaction: see :func:`summary_kept_up`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, bindparam, case, delete, func, select, tuple_, update
from sqlalchemy import insert as generic_insert
from sqlalchemy.dialects import postgresql, sqlite

from common.claimable import claimable_total
from common.database import rows_changed
from common.timeutil import as_utc, utcnow
from wallet.extensions import db
from wallet.live import wakeups
from wallet.models.bill import Bill, BillDocument, BillEvent, BillSummary
from wallet.models.collection import SyncState
from wallet.services import bill_summary
from wallet.services.bill_queries import claimable_left

STATUS_COLUMNS = ("issuance", "reimbursement", "reimbursed_amount", "status_json", "version", "updated_at")
# What a bill is counted under in ``bill_summaries``, and what each group adds up.
SUMMARY_KEYS = ("issue_year", "type_key", "type_name", "province", "issuance", "reimbursement")
SUMMARY_TALLIES = ("bills", "amount", "positive_bills", "claimable_left")


def dialect_insert(table: Any) -> Any:
    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    return generic_insert(table)


def status_columns(status: dict[str, Any], version: int) -> dict[str, Any]:
    return {
        "issuance": status["issuance"],
        "reimbursement": status["reimbursement"],
        "reimbursed_amount": int(status.get("reimbursed_amount") or 0),
        "status_json": json.dumps(status, ensure_ascii=False, sort_keys=True),
        "version": version,
        "updated_at": utcnow(),
    }


def search_text(document: dict[str, Any]) -> str:
    medical = document.get("medical") or {}
    parts = [
        document["issuer"]["name"],
        document["code"],
        document["number"],
        document["type"]["name"],
        document.get("name", ""),
        medical.get("department") or "",
    ]
    parts += [item["name"] for item in document.get("items", [])]
    return " ".join(p for p in parts if p).lower()


def bill_row(
    resident_id: int, canonical: bytes, document: dict[str, Any], item: dict[str, Any], source: str = "collected"
) -> dict[str, Any]:
    issued_at = datetime.fromisoformat(document["issued_at"])
    signature = item["signature"]
    return {
        "resident_id": resident_id,
        "code": document["code"],
        "number": document["number"],
        "check_code": document["check"].lower(),
        "province": document["code"][:2],
        "type_key": document["type"]["key"],
        "type_name": document["type"]["name"],
        "issuer_name": document["issuer"]["name"],
        "issued_at": as_utc(issued_at),
        "issue_year": issued_at.year,
        "total": int(document["total"]),
        "claimable": claimable_total(document),
        "search_text": search_text(document),
        "canonical": canonical,
        "signature_alg": signature["alg"],
        "signature_kid": signature["kid"],
        "signature_value": signature["value"],
        "source": source,
        "collected_at": utcnow(),
        **status_columns(item["status"], int(item["version"])),
    }


def upsert_bills(rows: list[dict[str, Any]]) -> None:
    """Insert new bills; for known ones take the status only when its version is newer."""
    if not rows:
        return
    documents = [{"code": r["code"], "number": r["number"], "canonical": r["canonical"]} for r in rows]
    db.session.execute(dialect_insert(BillDocument.__table__).on_conflict_do_nothing(), documents)
    rows = [{k: v for k, v in r.items() if k != "canonical"} for r in rows]
    stmt = dialect_insert(Bill.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["resident_id", "code", "number"],
        set_={name: stmt.excluded[name] for name in STATUS_COLUMNS},
        where=Bill.__table__.c.version < stmt.excluded.version,
    )
    residents = {r["resident_id"] for r in rows}
    written = tuple_(Bill.code, Bill.number).in_({(r["code"], r["number"]) for r in rows})
    with summary_kept_up(residents, Bill.resident_id.in_(residents), written):
        db.session.execute(stmt, rows)


# Built once: a status mirrored from the network (a lock, a reimbursement, a feed event) runs
# these for every bill it touches, and building and keying them each time cost as much as
# running them.
_RESIDENT_OF_BILL = select(Bill.resident_id).where(Bill.id == bindparam("bill_id"))
_NEWER_STATUS = (
    update(Bill.__table__)
    .where(Bill.__table__.c.id == bindparam("bill_id"), Bill.__table__.c.version < bindparam("new_version"))
    .values({name: bindparam(f"new_{name}") for name in STATUS_COLUMNS})
)
_LOCK_SYNC_ROWS = (
    select(SyncState.resident_id)
    .where(SyncState.resident_id.in_(bindparam("ids", expanding=True)))
    .order_by(SyncState.resident_id)
    .with_for_update()
)
_DROP_EMPTY_GROUPS = delete(BillSummary.__table__).where(
    BillSummary.__table__.c.resident_id.in_(bindparam("ids", expanding=True)), BillSummary.__table__.c.bills == 0
)
_TALLY_KEYS = (Bill.resident_id, *(getattr(Bill, name) for name in SUMMARY_KEYS))
_POSITIVE = Bill.total > 0
_TALLY = select(
    *_TALLY_KEYS,
    func.count(),
    func.sum(Bill.total),
    func.sum(case((_POSITIVE, 1), else_=0)),
    func.sum(case((_POSITIVE, claimable_left), else_=0)),
)


def tally_of(*where: ColumnElement[bool]) -> Select[Any]:
    """The statement that tallies the bills ``where`` selects by resident and summary group."""
    return _TALLY.where(*where).group_by(*_TALLY_KEYS)


_TALLY_OF_BILL = tally_of(Bill.id == bindparam("bill_id"))


def apply_status(bill_id: int, status: dict[str, Any], version: int) -> bool:
    """Mirror a newer status onto a stored bill; an older or equal version changes nothing."""
    resident_id = db.session.scalar(_RESIDENT_OF_BILL, {"bill_id": bill_id})
    if resident_id is None:
        return False
    params = {"bill_id": bill_id}
    with summary_kept_up({resident_id}, tally=(_TALLY_OF_BILL, params)):
        values = {f"new_{name}": value for name, value in status_columns(status, version).items()}
        result = db.session.execute(_NEWER_STATUS, {**params, **values, "new_version": version})
    changed = bool(rows_changed(result))
    if changed:
        # Written as a row, so a copy of the bill this request already holds is told to read it again.
        held = db.session.identity_map.get(db.session.identity_key(Bill, bill_id))
        if held is not None:
            db.session.expire(held, list(STATUS_COLUMNS))
    return changed


@functools.cache
def _add_to_summaries(dialect: str) -> Any:
    table = BillSummary.__table__
    stmt = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["resident_id", *SUMMARY_KEYS],
        set_={name: table.c[name] + stmt.excluded[name] for name in SUMMARY_TALLIES},
    )


@contextmanager
def summary_kept_up(
    resident_ids: Iterable[int],
    *where: ColumnElement[bool],
    tally: tuple[Select[Any], dict[str, Any]] | None = None,
) -> Iterator[None]:
    """Around a write of the bills ``where`` selects (of ``resident_ids``): count them before and
    after, and add the difference to ``bill_summaries`` in the same transaction.

    ``tally`` is a statement built once (:func:`tally_of`) and its parameters, in place of ``where``.
    The residents' sync rows are locked first (PostgreSQL; SQLite has one writer at a time), so
    no other writer of their bills runs between the two counts and each change is counted once.
    ``where`` may select more bills than are written: those count the same before and after.
    """
    ids = sorted(set(resident_ids))
    statement, params = tally if tally is not None else (tally_of(*where), {})
    db.session.execute(_LOCK_SYNC_ROWS, {"ids": ids})
    before = _tallies(statement, params)
    yield
    after = _tallies(statement, params)
    changes = []
    for group in before.keys() | after.keys():
        old, new = before.get(group, [0, 0, 0, 0]), after.get(group, [0, 0, 0, 0])
        if old != new:
            changes.append(
                {
                    "resident_id": group[0],
                    **dict(zip(SUMMARY_KEYS, group[1:], strict=True)),
                    **{name: n - o for name, n, o in zip(SUMMARY_TALLIES, new, old, strict=True)},
                }
            )
    if not changes:
        return
    db.session.execute(_add_to_summaries(db.session.get_bind().dialect.name), changes)
    db.session.execute(_DROP_EMPTY_GROUPS, {"ids": ids})
    # The filter choices can only change where a year, type or province appeared or went among the bills written.
    bill_summary.keep_facets(sorted({g[0] for g in _facet_parts(before) ^ _facet_parts(after)}))


def _facet_parts(tallies: dict[tuple[Any, ...], list[int]]) -> set[tuple[Any, ...]]:
    """Each group's resident and the parts of it the filter choices show (year, type and its name, province)."""
    return {group[:5] for group in tallies}


def _tallies(statement: Select[Any], params: dict[str, Any]) -> dict[tuple[Any, ...], list[int]]:
    """The bills the statement selects, tallied by resident and summary group."""
    width = len(_TALLY_KEYS)
    return {tuple(row[:width]): [int(n) for n in row[width:]] for row in db.session.execute(statement, params)}


def record_events(rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        db.session.execute(dialect_insert(BillEvent.__table__).on_conflict_do_nothing(), rows)


_BUMP = update(SyncState.__table__).where(SyncState.__table__.c.resident_id == bindparam("bumped"))
_BUMPS = {
    None: _BUMP.values(change_seq=SyncState.__table__.c.change_seq + 1),
    "notice": _BUMP.values(
        change_seq=SyncState.__table__.c.change_seq + 1,
        unread_notifications=SyncState.__table__.c.unread_notifications + 1,
    ),
    "all_read": _BUMP.values(change_seq=SyncState.__table__.c.change_seq + 1, unread_notifications=0),
}


def bump_change_seq(resident_id: int, unread: Literal["notice", "all_read"] | None = None) -> None:
    """Tell open pages that this resident's bills changed: the sequence is the truth, and the
    stream servers are woken (NOTIFY in this transaction, Redis after its commit) to re-read it.
    ``unread``: how the kept unread-notification count moves in the same statement (one more
    notice, or all read)."""
    db.session.execute(_BUMPS[unread], {"bumped": resident_id})
    # Written as a row (a statement built once), so a sync state this request holds reads it again.
    held = db.session.identity_map.get(db.session.identity_key(SyncState, resident_id))
    if held is not None:
        db.session.expire(held, ["change_seq", "unread_notifications"])
    wakeups.announce(db.session(), resident_id)
