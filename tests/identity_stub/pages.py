"""Drive the stub's login pages over plain HTTP, the way a browser would, with no project code.

``through_stub`` follows redirects while they stay inside ``/idp/``, answers each page it meets
(login → persona or SMS, face verification, consent; ``consent="deny"`` declines consent or
cancels face verification) and returns the first response that leaves the stub: the redirect
back to the client, which it does not follow.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import requests

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NEXT = re.compile(r'name="next" value="([^"]+)"')
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')
SMS_CODE = re.compile(r'class="sms-code">(\d{6})<')


def field(pattern: re.Pattern[str], page: str) -> str:
    match = pattern.search(page)
    assert match, f"page lacks {pattern.pattern}"
    return html.unescape(match.group(1))


def inside_stub(url: str) -> bool:
    return urlsplit(url).path.startswith("/idp/")


def answer_page(
    http: requests.Session, response: requests.Response, persona: str | None, phone: str | None, consent: str
) -> requests.Response:
    page, base = response.text, response.url
    token = field(CSRF, page)
    if 'name="persona"' in page and persona:
        return http.post(
            urljoin(base, "/idp/login/persona"),
            allow_redirects=False,
            data={"csrf_token": token, "next": field(NEXT, page), "persona": persona},
        )
    if 'name="phone"' in page and phone:
        sent = http.post(
            urljoin(base, "/idp/login/sms-code"), data={"csrf_token": token, "next": field(NEXT, page), "phone": phone}
        )
        assert sent.status_code == 200, sent.text
        return http.post(
            urljoin(base, "/idp/login/sms"),
            allow_redirects=False,
            data={
                "csrf_token": field(CSRF, sent.text),
                "next": field(NEXT, sent.text),
                "phone": phone,
                "code": field(SMS_CODE, sent.text),
            },
        )
    if "开始人脸核验" in page:
        if consent == "deny":  # the page's cancel button posts the refusal to the request itself
            return http.post(
                urljoin(base, field(NEXT, page)), allow_redirects=False, data={"csrf_token": token, "decision": "deny"}
            )
        return http.post(
            urljoin(base, "/idp/verify-face"),
            allow_redirects=False,
            data={"csrf_token": token, "next": field(NEXT, page)},
        )
    if 'name="decision"' in page:
        return http.post(
            urljoin(base, field(FORM_ACTION, page)),
            allow_redirects=False,
            data={"csrf_token": token, "decision": consent},
        )
    raise AssertionError(f"no way through this page ({response.status_code}): {page[:400]}")


def through_stub(
    http: requests.Session,
    url: str,
    persona: str | None = "p1",
    phone: str | None = None,
    consent: str = "allow",
    max_steps: int = 12,
) -> requests.Response:
    response = http.get(url, allow_redirects=False, timeout=10)
    for _ in range(max_steps):
        if response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if not inside_stub(target):
                return response
            response = http.get(target, allow_redirects=False, timeout=10)
        elif response.status_code == 200 and "csrf_token" in response.text:
            response = answer_page(http, response, persona, phone, consent)
        else:
            return response
    raise AssertionError("the stub kept asking; gave up")


def redirect_target(response: requests.Response) -> str:
    assert response.is_redirect, f"expected a redirect, got {response.status_code}: {response.text[:300]}"
    return urljoin(response.url, response.headers["Location"])
