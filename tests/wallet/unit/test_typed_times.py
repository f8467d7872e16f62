"""A time a unit clerk types (报销时间, Beijing time) is the time shown back everywhere.

The clerk works in a browser against the live server; the claim page, the unit's CSV
export, the integration API and the fiscal network's record must all carry the same
instant. The server runs once in the machine's own zone and once in New York's, so
nothing may depend on the zone of the machine it runs on.
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.support.tokens import plain
from tests.wallet.api.conftest import connect_unit
from tests.wallet.authorization.fixtures import claimable, form_token, grant, unit_http_login
from wallet.demo import demo_unit
from wallet.extensions import db
from wallet.models import Claim

SHANGHAI = ZoneInfo("Asia/Shanghai")
TYPED = "2026-03-06T13:21"
SHOWN = "2026-03-06 13:21"
INSTANT = datetime(2026, 3, 6, 13, 21, tzinfo=SHANGHAI)


@pytest.fixture(params=["machine zone", "America/New_York"])
def server_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The process's local time zone (the live server runs in it) for one test, then restored."""
    before = os.environ.get("TZ")
    if request.param != "machine zone":
        os.environ["TZ"] = request.param
        time.tzset()
    yield request.param
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def reimburse(clerk: requests.Session, page: str) -> None:
    """Lock the claim at ``page`` and record a reimbursement typed at 13:21 Beijing time, as the clerk does."""
    locked = clerk.post(
        f"{page}/lock",
        data={"csrf_token": form_token(clerk.get(page, timeout=10).text)},
        allow_redirects=False,
        timeout=10,
    )
    assert locked.status_code == 303, locked.text
    recorded = clerk.post(
        f"{page}/feedback",
        allow_redirects=False,
        timeout=10,
        data={
            "csrf_token": form_token(clerk.get(page, timeout=10).text),
            "amount": "10.00",
            "serial": "BX2026TIME01",
            "voucher": "JZ-2026-0321",
            "time": TYPED,
        },
    )
    assert recorded.status_code == 303, recorded.text


def exported_ids(clerk: requests.Session, url: str) -> list[str]:
    exported = clerk.get(url, timeout=10)
    assert exported.status_code == 200, exported.text
    return [row["授权编号"] for row in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))]


def test_a_typed_reimbursement_time_is_shown_back_as_typed_on_page_csv_and_api(
    server_zone, system, wallet_app, network, collected, demo_units, unit_logins
):
    claim = grant(wallet_app, collected, demo_units["insurer"], claimable(wallet_app, collected, 1))[0]
    with wallet_app.app_context():
        api = connect_unit(demo_unit("insurer").username).client(system.url)
    clerk = unit_http_login(system.url, unit_logins["insurer"])
    page = f"{system.url}/unit/claims/{claim}"
    reimburse(clerk, page)

    assert f"<dt>报销时间</dt><dd>{SHOWN}</dd>" in plain(clerk.get(page, timeout=10).text)

    exported = clerk.get(f"{system.url}/unit/export.csv", timeout=10)
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row["报销时间"] for row in rows if row["授权编号"] == str(claim)] == [SHOWN]

    served = api.authorization(claim)
    assert served.ok, served.message
    api_time = served.data["reimbursement"]["time"]
    assert datetime.fromisoformat(api_time) == INSTANT, api_time
    assert datetime.fromisoformat(api_time).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == SHOWN

    code, number = served.data["bill"]["code"], served.data["bill"]["number"]
    records = network.platform("GET", f"/bills/{code}/{number}").json()["bill"]["status"]["records"]
    assert [datetime.fromisoformat(r["time"]) for r in records if r["serial"] == "BX2026TIME01"] == [INSTANT]


def test_the_export_days_are_beijing_days(server_zone, system, wallet_app, network, collected, demo_units, unit_logins):
    """A claim closed at 17:30 UTC on 5 March (01:30 Beijing time on the 6th) belongs to 6 March."""
    claim = grant(wallet_app, collected, demo_units["insurer"], claimable(wallet_app, collected, 1))[0]
    clerk = unit_http_login(system.url, unit_logins["insurer"])
    reimburse(clerk, f"{system.url}/unit/claims/{claim}")
    with wallet_app.app_context():
        db.session.get(Claim, claim).closed_at = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)
        db.session.commit()
    export = f"{system.url}/unit/export.csv"
    assert exported_ids(clerk, f"{export}?from=2026-03-06&to=2026-03-06") == [str(claim)]
    assert exported_ids(clerk, f"{export}?from=2026-03-05&to=2026-03-05") == []
