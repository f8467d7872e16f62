"""The per-process store of list pages: kept by key, bounded, and never used past its deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from common.i18n import MONGOLIAN
from wallet.resident import list_cache as module
from wallet.resident.list_cache import ListCache, sequence_key


class Maker:
    """Counts how often a value had to be made."""

    def __init__(self, valid_until: datetime | None = None) -> None:
        self.calls = 0
        self.valid_until = valid_until

    def __call__(self) -> tuple[str, datetime | None]:
        self.calls += 1
        return f"value {self.calls}", self.valid_until


def test_a_value_is_made_once_per_key():
    cache, make = ListCache(8), Maker()
    assert cache.get_or_make("a", make) == cache.get_or_make("a", make) == "value 1"
    assert cache.get_or_make("b", make) == "value 2"
    assert make.calls == 2


def test_without_a_key_or_with_no_room_nothing_is_kept():
    make = Maker()
    ListCache(8).get_or_make(None, make)
    ListCache(8).get_or_make(None, make)
    off = ListCache(0)
    off.get_or_make("a", make)
    off.get_or_make("a", make)
    assert make.calls == 4


def test_the_least_recently_used_goes_first_when_full():
    cache, make = ListCache(2), Maker()
    cache.get_or_make("a", make)
    cache.get_or_make("b", make)
    cache.get_or_make("a", make)
    cache.get_or_make("c", make)  # b is the least recently used
    calls = make.calls
    cache.get_or_make("a", make)
    assert make.calls == calls
    cache.get_or_make("b", make)
    assert make.calls == calls + 1


def test_a_value_is_not_used_from_its_deadline_on(monkeypatch):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(module, "utcnow", lambda: now)
    cache, make = ListCache(8), Maker(valid_until=now + timedelta(seconds=10))
    cache.get_or_make("a", make)
    monkeypatch.setattr(module, "utcnow", lambda: now + timedelta(seconds=9))
    assert cache.get_or_make("a", make) == "value 1"
    monkeypatch.setattr(module, "utcnow", lambda: now + timedelta(seconds=10))
    assert cache.get_or_make("a", make) == "value 2"


class Row:
    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)


@pytest.mark.parametrize("change", [{"change_seq": 8}, {"activated_at": datetime(2026, 5, 1)}, {"id": 4}])
def test_keys_differ_by_change_account_and_resident(change):
    base = {"id": 3, "activated_at": datetime(2026, 1, 1), "change_seq": 7}
    changed = {**base, **change}
    key = sequence_key("bills", Row(**base), Row(**base), "page")
    other = sequence_key("bills", Row(**changed), Row(**changed), "page")
    assert key != other
    assert key == sequence_key("bills", Row(**base), Row(**base), "page")


def test_keys_differ_by_locale(wallet_app):
    row = Row(id=3, activated_at=datetime(2026, 1, 1), change_seq=7)
    with wallet_app.test_request_context():
        chinese = sequence_key("bills", row, row, "page")
        with force_locale(MONGOLIAN):
            mongolian = sequence_key("bills", row, row, "page")
    assert chinese != mongolian


def test_no_key_before_the_resident_has_a_sequence():
    assert sequence_key("bills", Row(id=3, activated_at=datetime(2026, 1, 1)), None) is None
