"""How a share link looks: its address and QR code, its state in words, and the watermark of its pages."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import segno
from flask import current_app
from markupsafe import escape

from common.timeutil import utcnow
from common.translatable import gettext, shown
from wallet import copy
from wallet.models.share import ShareLink
from wallet.services import share_state
from wallet.services.share_links import PURPOSES


def share_url(token: str) -> str:
    """The address handed to the office; the token rides in the query, which access logs leave out."""
    return f"{current_app.config['WALLET_BASE_URL'].rstrip('/')}/shared?t={token}"


def qr_data_uri(url: str) -> str:
    """The QR code inline as a data URI: the token never travels in a request of its own."""
    return str(segno.make(url, error="m").svg_data_uri(scale=6, border=2, dark="#000", light="#fff"))


def watermark_data_uri(text: str) -> str:
    """A tiled, tilted line of ``text`` drawn as an image over the page (pages carry no inline styles)."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%">'
        '<defs><pattern id="w" width="420" height="150" patternUnits="userSpaceOnUse" patternTransform="rotate(-28)">'
        '<text x="0" y="90" font-size="15" font-family="sans-serif" fill="#1d2129" fill-opacity="0.13">'
        f"{escape(text)}</text>"
        '</pattern></defs><rect width="100%" height="100%" fill="url(#w)"/></svg>'
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


def watermark_text(link: ShareLink) -> str:
    return gettext(
        "仅供%(purpose)s使用 · %(until)s 前有效",
        purpose=shown(PURPOSES.get(link.purpose, "")),
        until=copy.minute(link.expires_at),
    )


class LinkView:
    """One of the resident's links with its state as of now (a death found in its bills is recorded)."""

    def __init__(self, link: ShareLink, now: datetime | None = None) -> None:
        self.link = link
        self.state = share_state.settle(link, now or utcnow())

    def __getattr__(self, name: str) -> object:
        return getattr(self.link, name)

    @property
    def chip(self) -> tuple[str, str]:
        label, tone = share_state.STATE_CHIPS[self.state]
        return str(label), tone

    @property
    def purpose_name(self) -> str:
        return shown(PURPOSES.get(self.link.purpose, self.link.purpose))

    @property
    def ended_text(self) -> str:
        """Why the link no longer opens, in a sentence (empty while it does)."""
        if self.state == "revoked":
            return gettext("已于 %(at)s 撤销。", at=copy.minute(self.link.revoked_at))
        if self.state == "dead":
            return gettext(
                "%(why)s，链接已于 %(at)s 失效。",
                why=share_state.death_text(self.link),
                at=copy.minute(self.link.dead_at),
            )
        if self.state == "expired":
            return gettext("已于 %(at)s 过期。", at=copy.minute(self.link.expires_at))
        if self.state == "code_locked":
            return gettext("访问码输错次数过多，链接已锁定。如仍需分享，请撤销后重新生成。")
        return ""
