"""A page and its htmx fragments come from one template: the page names its fragments as blocks.

The view builds the whole context every time and, for an htmx request, renders only the blocks
that request swaps — it never asks which element sent it (no branching on the target header). A
history restore is an htmx request that wants the whole page back, so it gets the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_blocks


def wants_fragment() -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def render_page(template: str, fragment: Sequence[str], **context: Any) -> Response:
    """``template`` whole, or its ``fragment`` blocks (in order) for an htmx request.

    One URL serves both, so the reply varies on ``HX-Request`` (a cache must not hand one for the other).
    """
    if wants_fragment():
        response = make_response(render_blocks(template, list(fragment), **context))
    else:
        response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response
