"""``UTCDateTime`` keeps the instant on the suite's backend: aware in, aware UTC out, naive refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.exc import StatementError

from common.columns import NaiveDatetimeError, UTCDateTime

SHANGHAI = ZoneInfo("Asia/Shanghai")
TYPED = datetime(2026, 3, 6, 13, 21, tzinfo=SHANGHAI)

probe_metadata = MetaData()
probe = Table(
    "utc_column_probe",
    probe_metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=True),
)


@pytest.fixture
def conn(database_urls: dict[str, str]) -> Iterator[Connection]:
    engine = create_engine(database_urls["wallet"])
    probe_metadata.create_all(engine)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":  # the server's zone must not matter either
                connection.exec_driver_sql("SET TIME ZONE 'America/New_York'")
            yield connection
            connection.rollback()
    finally:
        probe_metadata.drop_all(engine)
        engine.dispose()


def stored(conn: Connection, value: datetime | None) -> datetime | None:
    conn.execute(insert(probe).values(id=1, at=value))
    return conn.scalar(select(probe.c.at).where(probe.c.id == 1))


def test_a_beijing_time_reads_back_as_the_same_instant_in_utc(conn):
    back = stored(conn, TYPED)
    assert back == TYPED
    assert back.utcoffset() == timedelta(0)
    assert back.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == "2026-03-06 13:21"


def test_a_query_compares_instants_whatever_zone_the_bound_value_is_in(conn):
    stored(conn, TYPED)
    same_instant_in_utc = TYPED.astimezone(UTC)
    assert conn.scalar(select(probe.c.id).where(probe.c.at == same_instant_in_utc)) == 1
    assert conn.scalar(select(probe.c.id).where(probe.c.at > TYPED - timedelta(minutes=1))) == 1


def test_null_stays_null(conn):
    assert stored(conn, None) is None


def test_a_naive_datetime_is_refused_and_nothing_is_stored(conn):
    with pytest.raises(StatementError) as refused:
        conn.execute(insert(probe).values(id=1, at=datetime(2026, 3, 6, 13, 21)))
    assert isinstance(refused.value.orig, NaiveDatetimeError)
    conn.rollback()
    assert conn.scalar(select(probe.c.id)) is None
