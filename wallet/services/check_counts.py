"""The per-bill daily verification limit, kept in the database so every process shares it.

Like the national verification platform, the wallet answers only so many checks of one
bill a day — from anyone, through any page. The count is taken before the network is
asked, failed attempts included: that is what makes guessing a check code for a known
code and number hopeless.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import delete

from common.database import write_transaction
from wallet.extensions import db
from wallet.models.verification import BillCheckCount
from wallet.scan.five_elements import shanghai_today
from wallet.services.bill_store import dialect_insert


def daily_limit() -> int:
    """Checks allowed per bill per day; 0 or less turns the limit off (the count still runs)."""
    return int(current_app.config["VERIFY_DAILY_LIMIT_PER_BILL"])


def count_check(code: str, number: str) -> int | None:
    """Count one more check of this bill today and return today's count, or None when the
    limit is already reached (then nothing changes). Commits on its own."""
    limit = daily_limit()
    today = shanghai_today()
    table = BillCheckCount.__table__
    write_transaction(db.session)
    stmt = dialect_insert(table).values(code=code, number=number, day=today, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["code", "number", "day"],
        set_={"count": table.c.count + 1},
        where=(table.c.count < limit) if limit > 0 else None,
    ).returning(table.c.count)
    count = db.session.execute(stmt).scalar()
    if count is None:
        db.session.commit()
        return None
    db.session.execute(
        delete(BillCheckCount).where(
            BillCheckCount.code == code, BillCheckCount.number == number, BillCheckCount.day < today
        )
    )
    db.session.commit()
    return int(count)


def checks_today(code: str, number: str) -> int:
    row = db.session.get(BillCheckCount, (code, number, shanghai_today()))
    return row.count if row else 0
