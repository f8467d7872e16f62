"""Rows for migration tests, written with the columns a database has at an older revision.

The models always describe the newest schema: an ORM insert of a unit names every column a
later migration added, which a database at an older revision does not have yet.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from common.timeutil import utcnow
from wallet.demo import DEMO_UNITS
from wallet.models import Unit
from wallet.services.unit_accounts import unit_from_application


def add_demo_units_as_of_schema(conn: sa.Connection, count: int = 2) -> list[int]:
    """The first ``count`` demo units (active, decided now), in the ``units`` table as it is; their ids."""
    table = sa.Table("units", sa.MetaData(), autoload_with=conn)
    now, ids = utcnow(), []
    for demo in DEMO_UNITS[:count]:
        unit = unit_from_application(demo, "active", now)
        unit.decided_at, unit.decision_note = now, "演示单位"
        values: dict[str, Any] = {}
        for column in Unit.__table__.c:
            if column.name not in table.c or column.primary_key:
                continue
            value = getattr(unit, column.key)
            default = column.default
            if value is None and isinstance(default, sa.ColumnDefault):
                value = default.arg(None) if default.is_callable else default.arg
            if value is not None:
                values[column.name] = value
        key = conn.execute(sa.insert(table).values(**values)).inserted_primary_key
        assert key is not None
        ids.append(int(key[0]))
    return ids
