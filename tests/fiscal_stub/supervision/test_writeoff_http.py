"""Write-off over real HTTP: the unit's reconciliation page, received amounts typed or imported as CSV (bad
files refused whole with line numbers), the write-off, the finance department's review of 异常票据, the
rectification notice answered and accepted; every refusal a 4xx that changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from sqlalchemy import func, select

from fiscal_stub.models import Bill, RectificationNotice, SupervisionAudit, WriteOffCycle
from tests.fiscal_stub.supervision.conftest import beijing
from tests.fiscal_stub.supervision.test_supervision_http import officer_console, unit_console
from tests.fiscal_stub.test_console import csrf

ONLINE_UNIT = "呼和浩特市第一人民医院"
MARCH = "2026-03"


@pytest.fixture
def march(sv, clock):
    """An online unit with two bills issued in March 2026, on 2 April 2026 (the cycle has closed)."""
    unit = sv.unit(ONLINE_UNIT)
    sv.account(unit)
    bills = [sv.issue(unit, beijing(2026, 3, 5), amount=12000), sv.issue(unit, beijing(2026, 3, 9), amount=8050)]
    clock.set(beijing(2026, 4, 2))
    return unit, bills


def state(sv):
    """What a refusal must leave as it was."""
    sv.session.rollback()
    cycles = [
        (c.status, c.received_total, c.received_by_bill) for c in sv.session.execute(select(WriteOffCycle)).scalars()
    ]
    marks = sorted((b.number, b.writeoff, b.version) for b in sv.session.execute(select(Bill)).scalars())
    audits = sv.session.execute(select(func.count()).select_from(SupervisionAudit)).scalar_one()
    return cycles, marks, audits


def page_url(sv, suffix=""):
    return f"{sv.api.base}/fiscal/console/unit/writeoff/{MARCH}{suffix}"


def post(browser, sv, suffix, data=None, files=None):
    form = {"csrf_token": csrf(browser, page_url(sv)), **(data or {})}
    return browser.post(page_url(sv, suffix), data=form, files=files, timeout=30, allow_redirects=False)


def csv_file(text: str, encoding: str = "utf-8"):
    return {"file": ("到账明细.csv", text.encode(encoding), "text/csv")}


def test_the_unit_reconciles_and_writes_off_a_consistent_cycle(sv, march):
    unit, bills = march
    browser = unit_console(sv, unit)
    home = browser.get(f"{sv.api.base}/fiscal/console/unit/writeoff", timeout=30)
    assert home.status_code == 200 and 'id="batch-banner"' not in home.text
    assert 'id="lock-banner"' in home.text and "2026年03月的财政电子票据尚未完成核销" in home.text
    page = browser.get(page_url(sv), timeout=30)
    assert "应到账合计" in page.text and "200.50 元" in page.text and "尚未录入" in page.text

    saved = post(browser, sv, "/received", {"received": "200.50"})
    assert saved.status_code == 303
    page = browser.get(page_url(sv), timeout=30).text
    assert "核对一致：提交后本周期 2 张票据由系统自动核销" in page
    done = post(browser, sv, "/submit")
    assert done.status_code == 303
    after = browser.get(page_url(sv), timeout=30).text
    assert "全部核销" in after and after.count(">已核销<") >= 2
    assert [sv.fresh(b).writeoff for b in bills] == ["written_off", "written_off"]
    home = browser.get(f"{sv.api.base}/fiscal/console/unit/writeoff", timeout=30).text
    assert 'id="lock-banner"' not in home


@pytest.mark.parametrize(
    ("body", "encoding", "expected"),
    [
        ("票据代码,票据号码\n", "utf-8", "缺少列：到账金额"),
        ("票据代码,票据号码,到账金额\n1506012X,0000000001,1.00\n", "utf-8", "第 2 行：票据代码应为8位数字"),
        ("票据代码,票据号码,到账金额\n15060126,0000000001,1.005\n", "utf-8", "第 2 行：到账金额有误：金额最多两位小数"),
        (
            "票据代码,票据号码,到账金额\n\n15060126,9999999999,1.00\n",
            "utf-8",
            "第 3 行：票据 15060126-9999999999 不是本单位本周期开具的票据",
        ),
        ("", "utf-8", "文件是空的"),
        ("票据代码,票据号码,到账金额\n\x00\x01,1,2\n", "utf-8", "文件不是文本格式的 CSV"),
    ],
)
def test_a_bad_csv_is_refused_whole_with_its_line_numbers_and_changes_nothing(sv, march, body, encoding, expected):
    unit, _ = march
    browser = unit_console(sv, unit)
    before = state(sv)
    refused = post(browser, sv, "/import", files=csv_file(body, encoding))
    assert refused.status_code == 422
    assert expected in refused.text and "CSV 没有导入" in refused.text
    assert state(sv) == before


def test_a_gbk_csv_from_a_spreadsheet_singles_out_the_short_bill_and_finance_reviews_it(sv, march):
    unit, (paid, short) = march
    rows = (
        f"票据代码,票据号码,到账金额（元）\r\n{paid.code},{paid.number},120.00\r\n{short.code},{short.number},80.00\r\n"
    )
    duplicate = rows + f"{short.code},{short.number},80.50\r\n"
    browser = unit_console(sv, unit)
    refused = post(browser, sv, "/import", files=csv_file(duplicate, "gbk"))
    assert refused.status_code == 422 and "第 4 行：票据" in refused.text and "重复出现" in refused.text
    assert post(browser, sv, "/import", files=csv_file(rows, "gbk")).status_code == 303
    page = browser.get(page_url(sv), timeout=30).text
    assert "导入 CSV，逐张核对" in page and "与开票金额 80.50 元相差 -0.50 元" in page
    assert post(browser, sv, "/submit").status_code == 303
    assert [sv.fresh(paid).writeoff, sv.fresh(short).writeoff] == ["written_off", "abnormal"]

    finance = officer_console(sv)
    overview = finance.get(f"{sv.api.base}/fiscal/console/finance/writeoff", timeout=30).text
    assert "异常票据待审核" in overview and f"{unit.name} · 2026年03月" in overview
    cycle = sv.session.execute(select(WriteOffCycle)).scalar_one()
    case = f"{sv.api.base}/fiscal/console/finance/abnormal/{cycle.id}"
    page = finance.get(case, timeout=30).text
    assert "异常票据审核（1 张）" in page and short.number in page

    before = state(sv)
    nothing = finance.post(f"{case}/clear", data={"csrf_token": csrf(finance, case)}, timeout=30)
    no_text = finance.post(
        f"{case}/violation", data={"csrf_token": csrf(finance, case), "bill": str(short.id), "notice": ""}, timeout=30
    )
    forged = finance.post(f"{case}/clear", data={"csrf_token": "forged", "bill": str(short.id)}, timeout=30)
    assert (nothing.status_code, no_text.status_code, forged.status_code) == (422, 422, 400)
    assert "请至少选择一张票据" in nothing.text and "请填写整改要求" in no_text.text
    assert state(sv) == before

    marked = finance.post(
        f"{case}/violation",
        data={"csrf_token": csrf(finance, case), "bill": str(short.id), "notice": "少收 0.50 元，请追缴并说明原因。"},
        timeout=30,
        allow_redirects=False,
    )
    assert marked.status_code == 303 and sv.fresh(short).writeoff == "violation"
    notice = sv.session.execute(select(RectificationNotice)).scalar_one()
    assert notice.deadline == date(2026, 7, 2)

    unit_page = browser.get(f"{sv.api.base}/fiscal/console/unit/writeoff", timeout=30).text
    assert "少收 0.50 元，请追缴并说明原因。" in unit_page and "待整改" in unit_page
    home = f"{sv.api.base}/fiscal/console/unit/writeoff"
    empty = browser.post(
        f"{sv.api.base}/fiscal/console/unit/rectifications/{notice.id}", data={"csrf_token": csrf(browser, home)}
    )
    assert empty.status_code == 422 and "请填写整改情况" in empty.text
    reported = browser.post(
        f"{sv.api.base}/fiscal/console/unit/rectifications/{notice.id}",
        data={"csrf_token": csrf(browser, home), "report": "已追缴 0.50 元并入账。"},
        allow_redirects=False,
    )
    assert reported.status_code == 303
    accepted = finance.post(
        f"{sv.api.base}/fiscal/console/finance/notices/{notice.id}/accept",
        data={"csrf_token": csrf(finance, case), "cycle": str(cycle.id)},
        timeout=30,
        allow_redirects=False,
    )
    assert accepted.status_code == 303 and sv.fresh(short).writeoff == "written_off"
    actions = [a.action for a in sv.session.execute(select(SupervisionAudit).order_by(SupervisionAudit.id)).scalars()]
    assert actions[-4:] == [
        "writeoff.submitted",
        "abnormal.violation",
        "rectification.reported",
        "rectification.accepted",
    ]


def test_write_off_refusals_are_4xx_and_change_nothing(sv, march, clock):
    unit, _ = march
    browser = unit_console(sv, unit)
    before = state(sv)
    not_ready = post(browser, sv, "/submit")
    bad_amount = post(browser, sv, "/received", {"received": "12.345"})
    assert (not_ready.status_code, bad_amount.status_code) == (409, 422)
    assert "请先录入或导入本周期的实际到账金额" in not_ready.text and "精确到分" in bad_amount.text
    assert browser.get(f"{sv.api.base}/fiscal/console/unit/writeoff/2026-13", timeout=30).status_code == 404
    assert browser.get(f"{sv.api.base}/fiscal/console/unit/writeoff/2026-02", timeout=30).status_code == 404
    clock.set(beijing(2026, 3, 31, 12))
    early = post(browser, sv, "/received", {"received": "200.50"})
    assert early.status_code == 409 and "尚未结束" in early.text
    assert state(sv) == before


def test_another_unit_and_anonymous_visitors_reach_nothing(sv, march):
    unit, _ = march
    anonymous = requests.get(page_url(sv), timeout=30, allow_redirects=False)
    assert anonymous.status_code == 302 and "/console/unit/login" in anonymous.headers["Location"]
    other = sv.unit("内蒙古自治区教育考试院")
    sv.account(other, phone="13847100888")
    stranger = unit_console(sv, other)
    assert stranger.get(page_url(sv), timeout=30).status_code == 404
    finance_only = requests.get(f"{sv.api.base}/fiscal/console/finance/writeoff", timeout=30)
    assert finance_only.url.endswith("/console/finance/login?next=/console/finance/writeoff")
