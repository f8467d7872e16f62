"""The whole system on one asynchronous server: ``uvicorn asgi:app`` (``make run``).

The three parts as ``app.py`` mounts them, plus the live stream (``/live/stream``) served
natively beside them on the same port — see wallet/live/front.py and docs/live-status.md.
"""

from __future__ import annotations

from app import app as pages
from wallet.live.front import front

app = front(pages)
