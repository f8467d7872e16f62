"""The frame's kept pieces are rendered once per mount path, language and what they are handed, and
never carry anything of one visitor's session."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale
from jinja2 import DictLoader

from common.i18n import MONGOLIAN
from common.kept_frame import SessionStateInKeptPiece, kept_piece
from wallet import create_app

HEAD = "components/_head.html"
TABS = "wallet/_after_main.html"


@pytest.fixture
def app() -> Flask:
    return create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def renders_of(app: Flask, action) -> int:
    """How many times a template was loaded for rendering while ``action`` ran."""
    loads = []
    real = app.jinja_env.get_template

    def counted(name, *args, **kwargs):
        loads.append(name)
        return real(name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app.jinja_env, "get_template", counted)
        action()
    return len(loads)


def test_a_piece_is_rendered_once_for_what_it_shows_and_again_for_anything_else(app):
    with app.test_request_context("/"):
        assert renders_of(app, lambda: kept_piece(TABS, tab="bills", resident=True)) == 1
        first = kept_piece(TABS, tab="bills", resident=True)
        assert renders_of(app, lambda: kept_piece(TABS, tab="bills", resident=True)) == 0
        assert kept_piece(TABS, tab="bills", resident=True) == first
        me = kept_piece(TABS, tab="me", resident=True)
        assert me != first and 'href="/me" aria-current="page"' in me.replace("\n", "")
        assert "data-resident" in first and "data-resident" not in kept_piece(TABS, tab="bills", resident=False)
        with force_locale(MONGOLIAN):
            mongolian = kept_piece(TABS, tab="bills", resident=True)
            assert mongolian != first and "票据" not in mongolian
        chinese_head = kept_piece(HEAD)
        with force_locale(MONGOLIAN):
            assert "mongolian.css" in kept_piece(HEAD) and "mongolian.css" not in chinese_head
    with app.test_request_context("/", base_url="http://localhost/wallet/"):
        mounted = kept_piece(TABS, tab="bills", resident=True)
        assert 'href="/wallet/me"' in mounted and 'href="/wallet/me"' not in first


def test_a_piece_that_asks_for_the_csrf_token_is_refused(app):
    app.jinja_loader = DictLoader({"leaky.html": '<input name="csrf_token" value="{{ csrf_token() }}">'})
    with app.test_request_context("/"), pytest.raises(SessionStateInKeptPiece):
        kept_piece("leaky.html")
