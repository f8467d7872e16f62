"""The working-day calendar the interface units' write-off window is counted in: public holidays and 调休."""

from __future__ import annotations

from datetime import date

import pytest

from fiscal_stub.supervision.workdays import is_working_day, nth_working_day, writeoff_deadline


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # a Saturday made a working day (调休)
        (date(2026, 10, 11), False),  # an ordinary Sunday
        (date(2025, 9, 28), True),  # a Sunday made a working day before the 2025 holiday
        (date(2025, 10, 8), False),  # 2025: National Day and Mid-Autumn together, to the 8th
        (date(2025, 10, 11), True),  # its make-up Saturday
        (date(2026, 2, 16), False),  # Spring Festival eve 2026
    ],
)
def test_holidays_and_make_up_days(day, working):
    assert is_working_day(day) is working


def test_the_first_five_working_days_after_national_day_2026_include_the_make_up_saturday():
    assert [nth_working_day(date(2026, 10, 1), n) for n in range(1, 6)] == [
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
        date(2026, 10, 12),
        date(2026, 10, 13),
    ]
    assert writeoff_deadline(date(2026, 10, 20)) == date(2026, 10, 13)


def test_the_window_of_october_2025_ends_on_the_fourteenth():
    assert writeoff_deadline(date(2025, 10, 3)) == date(2025, 10, 14)


def test_an_ordinary_month_ends_its_window_on_its_fifth_weekday():
    assert writeoff_deadline(date(2026, 3, 10)) == date(2026, 3, 6)


def test_a_year_without_an_arrangement_yet_counts_weekdays():
    # The pinned package carries no arrangement for 2030 yet; 1 January 2030 is a Tuesday.
    assert writeoff_deadline(date(2030, 1, 15)) == date(2030, 1, 7)


def test_counting_starts_at_one():
    with pytest.raises(ValueError):
        nth_working_day(date(2026, 3, 1), 0)
