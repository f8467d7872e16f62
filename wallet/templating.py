"""Jinja filters for what residents read: money in yuan, times in Beijing time, masked identities."""
from __future__ import annotations

from datetime import datetime

from flask import Flask

from common.money import yuan_display
from common.timeutil import to_local
from wallet.identity import mask_id_number, mask_name


def local_datetime(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return to_local(value).strftime("%Y-%m-%d %H:%M")


def register_filters(app: Flask) -> None:
    app.add_template_filter(yuan_display, "yuan_display")
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_filter(mask_id_number, "mask_id")
    app.add_template_filter(mask_name, "mask_name")
