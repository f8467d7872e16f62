"""The sentence a resident reads for each state, from the one table in :mod:`wallet.copy`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wallet import copy

AT = datetime(2026, 3, 6, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
BILL = copy.bill_name("内蒙古医科大学附属医院", "15060126", "0001234567")
FACTS = {
    "unit": "北疆人寿",
    "bill": BILL,
    "amount": "¥7,770.00",
    "remaining": "¥1,230.00",
    "until": "2026-03-06 09:30",
    "reason": "材料不全",
    "count": 2,
    "issuer": "呼和浩特市第一医院",
    "code": "15060126",
    "number": "0001234567",
}


@pytest.mark.parametrize(
    "kind, says, never",
    [
        ("authorized", ["授权给北疆人寿", "有效期至 2026-03-06 09:30", "可随时撤销"], []),
        ("revoked", ["已撤销对北疆人寿的授权", BILL], []),
        ("expired_ttl", ["授权已失效", "没有处理", "可重新授权"], []),
        ("expired_red_reversed", ["冲红作废", "不能再报销", "红字票据"], ["可重新授权", "重新授权"]),
        ("expired_exchanged", ["换开为纸质票据", "纸质票据报销"], ["可重新授权"]),
        ("withdrawn", ["单位账户已注销", "自动撤回", "可授权其他单位"], []),
        ("unit_cancelled_locked", ["单位账户已注销", "锁定到期（2026-03-06 09:30）后释放", "授权其他单位"], []),
        ("locked", ["已锁定", "锁定至 2026-03-06 09:30", "不能撤销"], []),
        ("lock_lapsed", ["锁定已到期", "票据已释放"], []),
        ("unlocked", ["解除", "可以撤销授权"], []),
        ("reimbursed_partial", ["部分报销", "剩余 ¥1,230.00 可授权其他单位报销"], ["全额", "全部报销"]),
        ("reimbursed_full", ["已报销 ¥7,770.00", "全部报销完毕"], ["剩余", "部分"]),
        ("rejected", ["拒绝报销", "原因：材料不全", "可授权其他单位"], []),
        (
            "unverified",
            ["呼和浩特市第一医院", "15060126", "0001234567", "没有收入票据夹", "联系开票单位", "下次同步"],
            [],
        ),
    ],
)
def test_every_notification_reads_its_state(kind, says, never):
    title, body = copy.notice(kind, **FACTS)
    assert title and "{" not in title + body
    for phrase in says:
        assert phrase in body, (kind, body)
    for phrase in never:
        assert phrase not in body, (kind, body)
    assert body.count("¥7,770.00") <= 1, "an amount is said once"


@pytest.mark.parametrize(
    "state, kwargs, says, never",
    [
        ("authorized", {"until": AT}, ["有效期至 2026-03-06 09:30", "可撤销"], []),
        ("locked", {"until": AT}, ["锁定至 2026-03-06 09:30"], []),
        ("locked", {"until": AT, "lapsed": True}, ["2026-03-06 09:30 到期", "可撤销授权"], []),
        ("reimbursed", {"amount": 10000, "claimable": 10000, "bill_reimbursed": 10000}, ["全额报销 ¥100.00"], ["部分"]),
        (
            "reimbursed",
            {"amount": 6000, "claimable": 10000, "bill_reimbursed": 6000},
            ["报销 ¥60.00（部分报销）", "剩余 ¥40.00 可授权其他单位报销"],
            ["全额", "全部报销"],
        ),
        (
            "reimbursed",
            {"amount": 6000, "claimable": 10000, "bill_reimbursed": 10000},
            ["报销 ¥60.00（部分报销）", "其他单位报销"],
            ["全额"],
        ),
        ("rejected", {"reason": "材料不全"}, ["拒绝原因：材料不全", "可授权其他单位"], []),
        ("revoked", {"closed_at": AT}, ["已于 2026-03-06 09:30 撤销"], []),
        ("expired", {"reason": copy.END_REASONS["ttl"]}, ["单位未处理", "已失效"], []),
        ("expired", {"reason": copy.END_REASONS["red_reversed"]}, ["冲红作废", "不能再报销"], ["重新授权"]),
        (
            "expired",
            {"reason": copy.END_REASONS["unit_cancelled"], "closed_at": AT},
            ["单位账户已注销", "自动撤回"],
            [],
        ),
    ],
)
def test_every_authorization_line_reads_its_state(state, kwargs, says, never):
    line = copy.authorization_line(state, unit="北疆人寿", **kwargs)
    for phrase in says:
        assert phrase in line, line
    for phrase in never:
        assert phrase not in line, line


@pytest.mark.parametrize(
    "state, kwargs, chip",
    [
        ("authorized", {}, ("已授权，待单位处理", "info")),
        ("locked", {"lapsed": True}, ("锁定已过期", "warn")),
        ("reimbursed", {"amount": 123456}, ("已报销 ¥1,234.56", "ok")),
        ("expired", {"reason": copy.END_REASONS["unit_cancelled"]}, ("已撤回", "")),
        ("expired", {"reason": copy.END_REASONS["red_reversed"]}, ("已失效", "")),
        ("revoked", {}, ("已撤销", "")),
        ("rejected", {}, ("已拒绝", "bad")),
        ("authorized", {"audience": "unit"}, ("待锁定", "info")),
    ],
)
def test_authorization_chips(state, kwargs, chip):
    assert copy.authorization_chip(state, **kwargs) == chip


def test_bill_chips_say_partial_and_full_apart():
    assert copy.BILL_CHIPS["partially_reimbursed"][0] == "部分报销"
    assert copy.BILL_CHIPS["reimbursed"][0] == "已报销"
    chips = {copy.BILL_CHIPS[k][0] for k in ("red_bill", "red_reversed", "exchanged")}
    assert chips == {"红字票据", "已冲红", "已换开纸质"}


@pytest.mark.parametrize(
    "result, amount, before, label",
    [
        ("reimbursed", 6000, 0, "部分报销"),
        ("reimbursed", 4000, 6000, "报销剩余部分"),
        ("reimbursed", 10000, 0, "全额报销"),
        ("rejected", 0, 0, "报销被拒"),
    ],
)
def test_timeline_says_what_each_feedback_did(result, amount, before, label):
    assert copy.timeline_record(result, amount, 10000, before) == label


@pytest.mark.parametrize("seconds, said", [(900, "15 分钟"), (7200, "2 小时"), (30 * 86400, "30 天"), (90, "2 分钟")])
def test_limits_are_said_in_their_own_unit(seconds, said):
    assert copy.duration(seconds) == said


def test_times_carry_the_minute():
    assert copy.minute(AT) == "2026-03-06 09:30"
    assert copy.minute("2026-03-06T01:30:00+00:00") == "2026-03-06 09:30"
