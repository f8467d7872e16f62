"""Notices are worded in the resident's language, made by the worker or during a unit's (Chinese) request."""

from __future__ import annotations

import pytest
from flask_babel import get_locale

from common.i18n import MONGOLIAN, SOURCE_LOCALE
from tests.wallet.reminders.making import NOW, bill, days, notices, remind_at
from wallet import copy
from wallet.extensions import db
from wallet.models import Resident
from wallet.services import activity, reminder_words, reminders


def speak(rid: int, locale: str | None) -> None:
    db.session.get_one(Resident, rid).locale = locale
    db.session.commit()


@pytest.fixture
def worded_in(monkeypatch) -> list[str]:
    """The locale in force each time a reminder or a notice is worded."""
    seen: list[str] = []
    words, notice = reminder_words.words, copy.notice

    def worded_reminder(*args, **kwargs):
        seen.append(str(get_locale()))
        return words(*args, **kwargs)

    def worded_notice(*args, **kwargs):
        seen.append(str(get_locale()))
        return notice(*args, **kwargs)

    monkeypatch.setattr(reminders, "words", worded_reminder)
    monkeypatch.setattr(copy, "notice", worded_notice)
    return seen


@pytest.mark.parametrize("locale", [MONGOLIAN, None])
def test_the_worker_words_reminders_in_the_residents_language(rid, worded_in, locale):
    speak(rid, locale)
    bill(rid, NOW - days(365) + days(20), collected_at=NOW)  # its claim window closes in 20 days
    assert remind_at(NOW) == 1 and len(notices(rid)) == 1
    assert worded_in == [locale or SOURCE_LOCALE]


def test_a_notice_caused_in_a_units_chinese_request_speaks_the_residents_language(wallet_app, rid, worded_in):
    speak(rid, MONGOLIAN)
    with wallet_app.test_request_context("/unit/inbox"):
        assert str(get_locale()) == SOURCE_LOCALE
        activity.tell(rid, "revoked", unit="某保险公司", bill="门诊票据 ¥500.00")
        assert str(get_locale()) == SOURCE_LOCALE  # the unit's page goes on in Chinese
    db.session.commit()
    assert worded_in == [MONGOLIAN]
