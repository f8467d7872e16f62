"""Notices speak the resident's language, whoever causes them and wherever they are made.

A notification, a reminder or a Web Push message is worded when it is created: by the
collection worker, outside any request, or during a unit's request, whose pages stay Chinese.
Either way its words must be the resident's, so the code that words one runs inside
:func:`in_language_of`, which forces the resident's locale (Chinese when they have none).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import force_locale
from sqlalchemy import select

from common.i18n import SOURCE_LOCALE
from wallet.extensions import db
from wallet.models.resident import Resident


def locale_of(resident_id: int) -> str:
    return db.session.scalar(select(Resident.locale).where(Resident.id == resident_id)) or SOURCE_LOCALE


@contextmanager
def in_language_of(resident_id: int) -> Iterator[None]:
    """Word what is made inside in the resident's locale."""
    with force_locale(locale_of(resident_id)):
        yield
