"""When a child comes of age (18, 《民法典》第十七条): the day a guardian's link to the child's bills ends.

Both the provider (which attests only minor children) and the wallet (which ends a guardian's
view by itself) need the same day, so it is decided here once. Someone born on 29 February
comes of age on 1 March of a year that has no 29 February.
"""

from __future__ import annotations

from datetime import date

AGE_OF_MAJORITY = 18


def coming_of_age(birthdate: date) -> date:
    year = birthdate.year + AGE_OF_MAJORITY
    try:
        return birthdate.replace(year=year)
    except ValueError:  # 29 February, in a year without one
        return date(year, 3, 1)


def is_minor(birthdate: date, today: date) -> bool:
    return today < coming_of_age(birthdate)
