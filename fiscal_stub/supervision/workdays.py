"""Working days in China: public holidays and the weekend days made working days (调休), from ``chinese-calendar``.

The State Council publishes each year's holiday arrangement in the autumn before, and the
package carries it from its next release on. For a year it does not carry yet, Monday to
Friday count, so a window of that year may still move by a day or two: keeping the
package current (it is pinned in requirements.lock) brings the year's arrangement in.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

WRITEOFF_WINDOW = 5  # interface units write off within the first five working days of a cycle


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package has no arrangement for yet
        return day.weekday() < 5


def nth_working_day(start: date, n: int) -> date:
    """The ``n``-th working day counting from ``start`` itself (``n`` ≥ 1)."""
    if n < 1:
        raise ValueError("n counts from 1")
    day, seen = start, 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)


def writeoff_deadline(cycle_after: date) -> date:
    """The last day an interface unit may write off the cycle that ended before ``cycle_after``'s month began."""
    return nth_working_day(cycle_after.replace(day=1), WRITEOFF_WINDOW)
