"""Security headers, CSRF and error pages, as every part of the system serves them."""

from __future__ import annotations

import pytest
import requests
from flask import Flask, abort
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from common.database import make_db
from common.i18n import init_i18n
from common.kept_frame import init_kept_frame
from common.web import harden
from tests.conftest import csrf_token_of

PATHS = [
    "/",
    "/import",
    "/healthz",
    "/no-such-page",
    "/static/css/app.css",
    "/idp/healthz",
    "/fiscal/healthz",
    "/fiscal/no-such-page",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_security_headers(system, path):
    response = requests.get(system.url + path, timeout=10)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe" not in csp
    assert "frame-ancestors 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_frame_ancestors_follow_configuration():
    from wallet import create_app

    app = create_app(
        {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "FRAME_ANCESTORS": "'self' https://app.mengsuban.example",
        }
    )
    response = app.test_client().get("/healthz")
    assert "frame-ancestors 'self' https://app.mengsuban.example" in response.headers["Content-Security-Policy"]


def test_pages_carry_no_inline_script(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "onclick" not in html.lower()
    assert 'src="/static/vendor/htmx/htmx.min.js"' in html


@pytest.fixture
def notes_app():
    """A throwaway app with one mutating route, to prove the shared CSRF and error handling."""
    db = make_db()

    class Note(db.Model):
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        text: Mapped[str] = mapped_column(String(50))

    app = Flask(__name__, template_folder="../../templates", static_folder="../../static")
    app.config.update(
        SECRET_KEY="t", SQLALCHEMY_DATABASE_URI="sqlite://", FRAME_ANCESTORS="'self'", MAX_CONTENT_LENGTH=1024
    )
    db.init_app(app)
    init_i18n(app)  # as every part has: the shared templates speak through it
    init_kept_frame(app)  # and keep the frame's pieces
    harden(app, CSRFProtect(), same_site="Lax")

    @app.get("/")
    def form():
        from flask import render_template

        return render_template("errors/error.html", code=200, title="表单", text="")

    @app.post("/notes")
    def add_note():
        from flask import request

        db.session.add(Note(text=request.form["text"]))
        db.session.commit()
        return "ok"

    @app.get("/fail/<int:code>")
    def fail(code: int):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    with app.app_context():
        db.create_all()
    app.extensions["note_count"] = lambda: db.session.scalar(select(func.count()).select_from(Note))
    return app


def test_post_without_csrf_token_is_refused_and_changes_nothing(notes_app):
    client = notes_app.test_client()
    response = client.post("/notes", data={"text": "x"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    with notes_app.app_context():
        assert notes_app.extensions["note_count"]() == 0


def test_post_with_csrf_token_in_htmx_header_is_accepted(notes_app):
    client = notes_app.test_client()
    token = csrf_token_of(client.get("/").get_data(as_text=True))
    response = client.post("/notes", data={"text": "x"}, headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 200
    with notes_app.app_context():
        assert notes_app.extensions["note_count"]() == 1


@pytest.mark.parametrize(
    ("code", "words"),
    [(400, "请求有误"), (403, "没有权限"), (404, "页面不存在"), (429, "操作太频繁"), (500, "系统繁忙")],
)
def test_errors_render_friendly_chinese_pages(notes_app, code, words):
    notes_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = notes_app.test_client().get(f"/fail/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert words in html and 'lang="zh-CN"' in html and "返回首页" in html


def test_oversize_body_renders_413_in_chinese(notes_app):
    client = notes_app.test_client()
    token = csrf_token_of(client.get("/").get_data(as_text=True))
    response = client.post("/notes", data={"text": "x" * 5000}, headers={"X-CSRFToken": token})
    assert response.status_code == 413
    assert "文件过大" in response.get_data(as_text=True)
    with notes_app.app_context():
        assert notes_app.extensions["note_count"]() == 0


def test_api_clients_get_json_errors(notes_app):
    response = notes_app.test_client().get("/fail/404", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json == {"ok": False, "code": "http_404", "message": "您访问的页面不存在或已被移除，请返回首页。"}
