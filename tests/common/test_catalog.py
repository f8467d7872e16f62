"""A request finds its catalog once and keeps it, yet every change of language within the request
(a notice said in its resident's language, a login that settles another) speaks the new one."""

from __future__ import annotations

import flask_babel
import pytest
from flask import Flask, g, render_template_string

from common.i18n import MONGOLIAN, catalog
from common.translatable import gettext
from wallet import create_app

TEXT = "票据夹"


@pytest.fixture
def app() -> Flask:
    return create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_catalog_follows_every_change_of_language_within_a_request(app):
    with app.test_request_context("/"):
        chinese, page = gettext(TEXT), "{{ _('票据夹') }}"
        assert chinese == TEXT and render_template_string(page) == TEXT
        with flask_babel.force_locale(MONGOLIAN):
            mongolian = gettext(TEXT)
            assert mongolian != TEXT and render_template_string(page) == mongolian
        assert gettext(TEXT) == TEXT and render_template_string(page) == TEXT
        g.locale = MONGOLIAN
        flask_babel.refresh()
        assert gettext(TEXT) == mongolian and render_template_string(page) == mongolian


def test_the_catalog_is_found_once_per_request_and_language(app, monkeypatch):
    found: list[object] = []
    real = flask_babel.get_translations

    def counted():
        found.append(1)
        return real()

    monkeypatch.setattr("common.i18n.get_translations", counted)
    with app.test_request_context("/"):
        for _ in range(50):
            catalog()
        with flask_babel.force_locale(MONGOLIAN):
            for _ in range(50):
                catalog()
    assert len(found) == 2


def test_a_page_text_escapes_what_goes_into_it_and_reads_a_double_percent_as_one(app):
    with app.test_request_context("/"):
        page = "{{ _('已报销 %(share)s%%：%(who)s', share=60, who='<b>单位</b>') }}"
        assert render_template_string(page) == "已报销 60%：&lt;b&gt;单位&lt;/b&gt;"
        assert render_template_string("{{ _('100%%') }}") == "100%"


def test_a_page_finds_its_catalog_once_however_many_texts_it_says(app, monkeypatch):
    asked: list[object] = []
    real = catalog

    def counted():
        asked.append(1)
        return real()

    monkeypatch.setattr("common.i18n.catalog", counted)
    with app.test_request_context("/"):
        page = render_template_string("{{ _('票据夹') }}" * 30)
        assert page == TEXT * 30 and len(asked) == 1
        with flask_babel.force_locale(MONGOLIAN):
            assert render_template_string("{{ _('票据夹') }}" * 30) == gettext(TEXT) * 30 != page
