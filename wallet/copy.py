"""Every sentence a resident reads about a bill's state, in one table.

Status chips, timeline entries, notifications, access-history lines and the lines of the
authorization overview are all worded here, so one state reads the same on every page and
a change of wording is one edit (``tests/wallet/test_copy.py`` reads each state's sentence).
Services and presenters pass facts (names, amounts in fen, times); this module formats
money with :func:`common.money.yuan_display` and times in Beijing time, to the minute.
"""

from __future__ import annotations

from datetime import datetime

from common.money import yuan_display
from common.timeutil import to_local

# -- chips: (label, tone) ------------------------------------------------------------------------

BILL_CHIPS: dict[str, tuple[str, str]] = {
    "red_bill": ("红字票据", "bad"),
    "red_reversed": ("已冲红", "bad"),
    "exchanged": ("已换开纸质", "bad"),
    "authorized": ("已授权", "info"),
    "lock_lapsed": ("锁定已过期", "warn"),
    "locked": ("报销中", "warn"),
    "partially_reimbursed": ("部分报销", "warn"),
    "reimbursed": ("已报销", "ok"),
    "claimable": ("可报销", "ok"),
}
# The issuer's write-off of a bill (自动核销) as the network reports it: shown on the bill, it never hides it.
WRITEOFF_NOTES: dict[str, tuple[str, str]] = {
    "written_off": ("开票单位已核销", "ok"),
    "abnormal": ("异常票据：开票单位核销时金额核对不一致，财政部门审核中", "warn"),
    "violation": ("财政部门认定违规，开票单位整改中", "bad"),
}
# -- a claim's state: the one vocabulary of every page, export, figure and API text -------------------

CLAIM_STATE_NAMES: dict[str, str] = {
    "authorized": "已授权",
    "locked": "已锁定",
    "reimbursed": "已报销",
    "rejected": "已拒绝",
    "revoked": "已撤销",
    "expired": "已失效",
}
# Nobody authorized a claim the unit took in itself: its open, unlocked state reads 已受理.
FILE_CLAIM_STATE_NAMES: dict[str, str] = {**CLAIM_STATE_NAMES, "authorized": "已受理"}
CLAIM_CHIPS: dict[str, dict[str, tuple[str, str]]] = {
    "resident": {
        "authorized": ("已授权，待单位处理", "info"),
        "locked": ("已锁定", "warn"),
        "reimbursed": ("已报销", "ok"),
        "rejected": ("已拒绝", "bad"),
        "revoked": ("已撤销", ""),
        "expired": ("已失效", ""),
    },
    "unit": {
        "authorized": ("待锁定", "info"),
        "locked": ("已锁定", "warn"),
        "reimbursed": ("已报销", "ok"),
        "rejected": ("已拒绝", "bad"),
        "revoked": ("已撤销", ""),
        "expired": ("已失效", ""),
    },
}
UNIT_STATUS_FILTERS: dict[str, str] = {
    "open": "待处理",
    **{state: CLAIM_CHIPS["unit"][state][0] for state in ("authorized", "locked", "reimbursed", "rejected")},
    "all": "全部",
}
LAPSED_CHIP = ("锁定已过期", "warn")
WITHDRAWN_CHIP = ("已撤回", "")

# -- timeline and access history -----------------------------------------------------------------

TIMELINE: dict[str, str] = {
    "issued": "开具票据",
    "locked": "被报销单位锁定",
    "unlocked": "报销单位解除锁定",
    "lock_expired": "锁定已到期释放",
    "feedback": "报销结果已登记",
    "red_reversed": "开票单位已冲红",
    "exchanged": "已换开为纸质票据",
    "reimbursed_partial": "部分报销",
    "reimbursed_rest": "报销剩余部分",
    "reimbursed_full": "全额报销",
    "rejected": "报销被拒",
}
ACCESS_KINDS: dict[str, str] = {
    "viewed": "查看",
    "locked": "锁定",
    "unlocked": "解除锁定",
    "lock_lapsed": "锁定到期",
    "reimbursed": "报销",
    "rejected": "拒绝报销",
    "withdrawn": "单位账户注销，授权已撤回",
    "share_opened": "被打开查看",
    "share_download": "被下载版式文件",
    # A family member's access (wallet.services.family_access): who is named by the entry itself.
    "family_view": "查看",
    "family_download": "下载版式文件",
    "family_authorize": "授权报销",
    "family_revoke": "撤销授权",
    "family_import": "导入",
    "family_statement": "列入下载的大病医疗支出明细",
    "family_share": "生成分享链接",
}

# -- why an authorization ended (stored as ``end_reason``, read back on pages) -------------------

END_REASONS: dict[str, str] = {
    "ttl": "授权期限内单位未处理",
    "red_reversed": "票据已冲红作废",
    "exchanged": "票据已换开为纸质票据",
    "revoked": "居民撤销授权",
    "unit_cancelled": "单位账户已注销",
}

# -- notifications: kind → (title, body with named facts) ----------------------------------------

NOTICES: dict[str, tuple[str, str]] = {
    "authorized": (
        "授权成功",
        "已将 {count} 张票据（可报销 {amount}）授权给{unit}，有效期至 {until}。单位锁定前您可随时撤销。",
    ),
    "revoked": ("已撤销授权", "已撤销对{unit}的授权：{bill}。该单位不能再查看此票据。"),
    "expired_ttl": ("授权已失效", "您对{unit}的授权已失效：{bill}，单位在有效期内没有处理。如仍需报销，可重新授权。"),
    "expired_red_reversed": (
        "授权已失效",
        "{bill}已被开票单位冲红作废，对{unit}的授权随之失效。这张票据不能再报销，请查看对应的红字票据。",
    ),
    "expired_exchanged": ("授权已失效", "{bill}已换开为纸质票据，对{unit}的授权随之失效。请凭纸质票据报销。"),
    "withdrawn": (
        "授权已撤回",
        "{unit}的单位账户已注销，您对{bill}的授权已自动撤回，该单位不能再查看或处理这张票据。"
        "票据已释放，可授权其他单位。",
    ),
    "unit_cancelled_locked": (
        "报销单位账户已注销",
        "{unit}的单位账户已注销。它已锁定的{bill}将在锁定到期（{until}）后释放，届时授权自动撤回，您可以授权其他单位。",
    ),
    "locked": ("票据已被锁定报销", "{unit}已锁定{bill}，锁定至 {until}。锁定期间不能撤销授权。"),
    "lock_lapsed": ("锁定已到期", "{unit}对{bill}的锁定已到期，票据已释放。您可以撤销授权，或等单位重新锁定。"),
    "unlocked": ("票据已解除锁定", "{unit}已解除对{bill}的锁定，授权仍有效；在其重新锁定前您可以撤销授权。"),
    "reimbursed_partial": (
        "报销结果已登记",
        "{unit}已报销 {amount}：{bill}。这是部分报销，剩余 {remaining} 可授权其他单位报销。",
    ),
    "reimbursed_full": ("报销结果已登记", "{unit}已报销 {amount}：{bill}。这张票据已全部报销完毕。"),
    "rejected": ("报销被拒绝", "{unit}拒绝报销{bill}。原因：{reason}。票据已释放，可授权其他单位。"),
    "family_child_ended": (
        "子女票据代管已结束",
        "{child}已年满十八周岁，您对其票据的代管已自动结束。票据仍保存在其本人的票据夹中，"
        "其本人登录开通后即可查看和使用，代管期间的授权和访问记录也都保留。",
    ),
    "family_spouse_asked": (
        "配偶关联请求",
        "{spouse}请求在票据夹中与您关联为配偶。关联后双方只能看到对方选择共享的票据。请在“家人”中确认或拒绝。",
    ),
    "family_spouse_confirmed": ("配偶关联已确认", "{spouse}已确认与您关联为配偶。您可以在“家人”中选择与其共享的票据。"),
    "family_spouse_declined": ("配偶关联未成立", "{spouse}拒绝了配偶关联请求，双方的票据互不可见。"),
    "family_spouse_ended": ("配偶关联已解除", "{spouse}解除了配偶关联，双方不再能看到对方共享的票据。"),
    "unverified": (
        "有一张票据未通过验证",
        "{issuer}的票据（票据代码 {code}，号码 {number}）签名验证未通过，"
        "没有收入票据夹，请勿凭它报销。请联系开票单位核实；下次同步时会再次核验。",
    ),
}

# -- reminders (wallet.services.reminder_words): kind → (title, body with named facts, link label) ---

REMINDERS: dict[str, tuple[str, str, str]] = {
    "claim_window": (
        "报销时限将到",
        "{bill}的报销时限（{whom}，开票后 {days} 天）将于 {deadline} 截止，还剩 {left}。"
        "这张票据尚未授权任何单位，请及时授权报销。",
        "去授权报销",
    ),
    "lock_lapse": (
        "锁定即将到期",
        "{unit}锁定的{bill}将于 {until} 到期，单位尚未反馈报销结果。到期后票据释放，如需了解进度请联系该单位。",
        "查看处理单位",
    ),
    "auth_expiry": (
        "授权即将失效",
        "您对{unit}的授权将于 {until} 失效，单位尚未处理：{bill}。如仍需报销，请提醒该单位及时处理。",
        "查看授权",
    ),
    "remainder": (
        "剩余部分可再报销",
        "{bill}已部分报销，还有 {remaining} 可以授权其他单位报销。",
        "授权剩余部分",
    ),
    "red_reversed": (
        "已授权的票据被冲红",
        "您授权过的{bill}已被开票单位冲红作废，不能再凭它报销。如需报销，请向开票单位索取重新开具的票据。",
        "查看红字票据",
    ),
    "tax_window": (
        "大病医疗可在年度汇算中扣除",
        "按票据夹已归集的医疗票据估算，您 {year} 年医保目录内个人自付 {counted}，超过起付标准的部分约 {deductible} "
        "可作为大病医疗专项附加扣除（以医疗保障信息平台数据为准）。请在 {closes}前完成个人所得税年度汇算。",
        "查看年度账本",
    ),
    "digest": ("今日提醒汇总", "您有 {count} 条提醒：{summary}。", "查看全部提醒"),
}


def money(fen: int) -> str:
    return yuan_display(fen)


def minute(at: datetime | str | None) -> str:
    """A time as residents read it: Beijing time, to the minute (a date alone is never enough)."""
    if at is None:
        return ""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return to_local(at).strftime("%Y-%m-%d %H:%M")


def duration(seconds: int) -> str:
    """A limit as people say it: ``900`` → 15 分钟, ``7200`` → 2 小时, ``2592000`` → 30 天."""
    if seconds % 86400 == 0:
        return f"{seconds // 86400} 天"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} 小时"
    return f"{max(1, round(seconds / 60))} 分钟"


def bill_name(issuer: str, code: str, number: str) -> str:
    """How a notification names one bill: who issued it and its code and number (no amount)."""
    return f"{issuer}票据（{code}-{number}）"


def notice(kind: str, **facts: object) -> tuple[str, str]:
    """(title, body) of a notification of ``kind`` with its facts filled in."""
    title, body = NOTICES[kind]
    return title, body.format(**facts)


def reimbursed_kind(claimable: int, reimbursed_after: int) -> str:
    """``reimbursed_full`` once all that may be claimed on the bill is reimbursed, else ``reimbursed_partial``."""
    return "reimbursed_full" if reimbursed_after >= claimable else "reimbursed_partial"


def expired_kind(issuance: str) -> str:
    return {"red_reversed": "expired_red_reversed", "exchanged": "expired_exchanged"}.get(issuance, "expired_ttl")


def timeline_record(result: str, amount: int, total: int, reimbursed_before: int) -> str:
    """The timeline label of one feedback record, by what it did to the bill."""
    if result != "reimbursed":
        return TIMELINE["rejected"]
    if reimbursed_before + amount < total:
        return TIMELINE["reimbursed_partial"]
    return TIMELINE["reimbursed_rest"] if reimbursed_before else TIMELINE["reimbursed_full"]


def claim_chip(state: str, *, audience: str = "resident", lapsed: bool = False, reason: str = "") -> tuple[str, str]:
    """(label, tone) of a claim's state as of now, for the resident or for the unit."""
    if lapsed:
        return LAPSED_CHIP
    if state == "expired" and reason == END_REASONS["unit_cancelled"]:
        return WITHDRAWN_CHIP
    return CLAIM_CHIPS[audience].get(state, (state, ""))


def authorization_chip(
    state: str, *, audience: str = "resident", lapsed: bool = False, amount: int | None = None, reason: str = ""
) -> tuple[str, str]:
    """The chip of a claim in a list: a reimbursement names its amount."""
    if state == "reimbursed" and not lapsed:
        return f"已报销 {money(amount or 0)}", "ok"
    return claim_chip(state, audience=audience, lapsed=lapsed, reason=reason)


def authorization_line(
    state: str,
    *,
    unit: str,
    amount: int | None = None,
    claimable: int = 0,
    bill_reimbursed: int = 0,
    until: datetime | None = None,
    reason: str = "",
    closed_at: datetime | None = None,
    lapsed: bool = False,
) -> str:
    """The sentence under an authorization on the resident's overview."""
    if lapsed:
        return f"锁定已于 {minute(until)} 到期，票据已释放；可撤销授权或等单位重新锁定。"
    if state == "authorized":
        return f"有效期至 {minute(until)}；单位锁定前可撤销。"
    if state == "locked":
        return f"单位已锁定，锁定至 {minute(until)}。锁定期间不能撤销。"
    if state == "reimbursed":
        paid = amount or 0
        if paid >= claimable:
            return f"{unit}全额报销 {money(paid)}。"
        if bill_reimbursed >= claimable:
            return f"{unit}报销 {money(paid)}（部分报销）；其余部分已由其他单位报销，票据已全部报销完毕。"
        return f"{unit}报销 {money(paid)}（部分报销）；剩余 {money(claimable - bill_reimbursed)} 可授权其他单位报销。"
    if state == "rejected":
        return f"拒绝原因：{reason}。票据已释放，可授权其他单位。"
    if state == "revoked":
        return f"已于 {minute(closed_at)} 撤销。"
    if reason == END_REASONS["unit_cancelled"]:
        return f"{reason}，授权已于 {minute(closed_at)} 自动撤回。"
    if reason == END_REASONS["red_reversed"]:
        return "票据已冲红作废，授权已失效；这张票据不能再报销。"
    return f"{reason or END_REASONS['ttl']}，授权已失效。"
