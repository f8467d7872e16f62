"""The browser a user agent names, with what an app adds to it left out.

A session is bound to the browser that signed in (wallet/auth/sessions.py). Inside an app's web
view (蒙速办 among them) the pages are fetched with the app's user agent, the web view's own with the
app's name and version added, but the page's service worker fetches with the web view's own alone:
Android web views do not hand their custom user agent to service workers. Bound to the whole
string, every page the worker fetched signed the resident out. So a session is bound to the part
both share: the platform comment after ``Mozilla/5.0`` and the engines' and browsers' names with
their major versions. A different browser, engine, version or device is still another browser.
"""

from __future__ import annotations

import re

# Products of the engines and browsers; an app's own (MengSuBan/3.2, MicroMessenger/8.0, NetType/WIFI)
# are none of these.
BROWSER_PRODUCTS = frozenset(
    {
        "AppleWebKit",
        "Chrome",
        "Chromium",
        "CriOS",
        "Edg",
        "EdgA",
        "EdgiOS",
        "Firefox",
        "FxiOS",
        "Gecko",
        "HeadlessChrome",
        "OPR",
        "Safari",
        "SamsungBrowser",
        "Trident",
        "Version",
    }
)
_PLATFORM = re.compile(r"Mozilla/[\d.]+\s*\(([^)]*)\)")
_PRODUCT = re.compile(r"([A-Za-z][\w-]*)/(\d+)")


def browser_of(user_agent: str) -> str:
    """What identifies the browser in ``user_agent``; the whole string when it names no known browser."""
    platform = _PLATFORM.search(user_agent)
    products = [f"{name}/{major}" for name, major in _PRODUCT.findall(user_agent) if name in BROWSER_PRODUCTS]
    if not platform or not products:
        return user_agent
    return f"({platform.group(1).strip()}) {' '.join(products)}"
