"""The browser a user agent names: what an app adds to its web view's user agent is left out."""

from __future__ import annotations

import pytest

from wallet.auth.user_agents import browser_of

# Android's web view as its service worker sends it, and as an app's pages send it with their own tokens.
WEB_VIEW = (
    "Mozilla/5.0 (Linux; Android 14; V2307A Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.71 Mobile Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
DESKTOP_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0"


@pytest.mark.parametrize(
    "in_the_app",
    [
        f"{WEB_VIEW} MengSuBan/3.2.1",
        f"MengSuBan/3.2.1 {WEB_VIEW}",
        f"{WEB_VIEW} MicroMessenger/8.0.49.2600(0x28003133) NetType/WIFI Language/zh_CN",
    ],
)
def test_an_apps_own_tokens_are_left_out(in_the_app):
    assert browser_of(in_the_app) == browser_of(WEB_VIEW)


@pytest.mark.parametrize(
    "other",
    [
        IPHONE,
        DESKTOP_CHROME,
        FIREFOX_ANDROID,
        WEB_VIEW.replace("Chrome/126.", "Chrome/127."),  # the web view updated
        WEB_VIEW.replace("V2307A", "SM-S9210"),  # another phone
        WEB_VIEW.replace("; wv", ""),  # the phone's Chrome, not the web view
    ],
)
def test_another_browser_engine_version_or_device_is_another_browser(other):
    assert browser_of(other) != browser_of(WEB_VIEW)


@pytest.mark.parametrize("agent", ["", "curl/8.5.0", "Werkzeug/3.1", "Mozilla/5.0 (a different phone)"])
def test_a_user_agent_naming_no_known_browser_is_kept_whole(agent):
    assert browser_of(agent) == agent
