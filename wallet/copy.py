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
from common.translatable import N_, gettext, lazy_gettext, shown

# -- chips: (label, tone) ------------------------------------------------------------------------

BILL_CHIPS: dict[str, tuple[str, str]] = {
    "red_bill": (lazy_gettext("红字票据"), "bad"),
    "red_reversed": (lazy_gettext("已冲红"), "bad"),
    "exchanged": (lazy_gettext("已换开纸质"), "bad"),
    "authorized": (lazy_gettext("已授权"), "info"),
    "lock_lapsed": (lazy_gettext("锁定已过期"), "warn"),
    "locked": (lazy_gettext("报销中"), "warn"),
    "partially_reimbursed": (lazy_gettext("部分报销"), "warn"),
    "reimbursed": (lazy_gettext("已报销"), "ok"),
    "claimable": (lazy_gettext("可报销"), "ok"),
}
# The issuer's write-off of a bill (自动核销) as the network reports it: shown on the bill, it never hides it.
WRITEOFF_NOTES: dict[str, tuple[str, str]] = {
    "written_off": (lazy_gettext("开票单位已核销"), "ok"),
    "abnormal": (lazy_gettext("异常票据：开票单位核销时金额核对不一致，财政部门审核中"), "warn"),
    "violation": (lazy_gettext("财政部门认定违规，开票单位整改中"), "bad"),
}
# -- a claim's state: the one vocabulary of every page, export, figure and API text -------------------

CLAIM_STATE_NAMES: dict[str, str] = {
    "authorized": N_("已授权"),
    "locked": N_("已锁定"),
    "reimbursed": N_("已报销"),
    "rejected": N_("已拒绝"),
    "revoked": N_("已撤销"),
    "expired": N_("已失效"),
}
# Nobody authorized a claim the unit took in itself: its open, unlocked state reads 已受理.
FILE_CLAIM_STATE_NAMES: dict[str, str] = {**CLAIM_STATE_NAMES, "authorized": N_("已受理")}
CLAIM_CHIPS: dict[str, dict[str, tuple[str, str]]] = {
    "resident": {
        "authorized": (lazy_gettext("已授权，待单位处理"), "info"),
        "locked": (lazy_gettext("已锁定"), "warn"),
        "reimbursed": (lazy_gettext("已报销"), "ok"),
        "rejected": (lazy_gettext("已拒绝"), "bad"),
        "revoked": (lazy_gettext("已撤销"), ""),
        "expired": (lazy_gettext("已失效"), ""),
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
LAPSED_CHIP = (lazy_gettext("锁定已过期"), "warn")
WITHDRAWN_CHIP = (lazy_gettext("已撤回"), "")

# -- timeline and access history -----------------------------------------------------------------

TIMELINE: dict[str, str] = {
    "issued": lazy_gettext("开具票据"),
    "locked": lazy_gettext("被报销单位锁定"),
    "unlocked": lazy_gettext("报销单位解除锁定"),
    "lock_expired": lazy_gettext("锁定已到期释放"),
    "feedback": lazy_gettext("报销结果已登记"),
    "red_reversed": lazy_gettext("开票单位已冲红"),
    "exchanged": lazy_gettext("已换开为纸质票据"),
    "reimbursed_partial": lazy_gettext("部分报销"),
    "reimbursed_rest": lazy_gettext("报销剩余部分"),
    "reimbursed_full": lazy_gettext("全额报销"),
    "rejected": lazy_gettext("报销被拒"),
}
ACCESS_KINDS: dict[str, str] = {
    "viewed": lazy_gettext("查看"),
    "locked": lazy_gettext("锁定"),
    "unlocked": lazy_gettext("解除锁定"),
    "lock_lapsed": lazy_gettext("锁定到期"),
    "reimbursed": lazy_gettext("报销"),
    "rejected": lazy_gettext("拒绝报销"),
    "withdrawn": lazy_gettext("单位账户注销，授权已撤回"),
    "share_opened": lazy_gettext("被打开查看"),
    "share_download": lazy_gettext("被下载版式文件"),
    # A family member's access (wallet.services.family_access): who is named by the entry itself.
    "family_view": lazy_gettext("查看"),
    "family_download": lazy_gettext("下载版式文件"),
    "family_authorize": lazy_gettext("授权报销"),
    "family_revoke": lazy_gettext("撤销授权"),
    "family_import": lazy_gettext("导入"),
    "family_statement": lazy_gettext("列入下载的大病医疗支出明细"),
    "family_share": lazy_gettext("生成分享链接"),
}

# -- why an authorization ended (stored as ``end_reason``, read back on pages) -------------------

END_REASONS: dict[str, str] = {
    "ttl": N_("授权期限内单位未处理"),
    "red_reversed": N_("票据已冲红作废"),
    "exchanged": N_("票据已换开为纸质票据"),
    "revoked": N_("居民撤销授权"),
    "unit_cancelled": N_("单位账户已注销"),
}

# -- notifications: kind → (title, body with named facts) ----------------------------------------

NOTICES: dict[str, tuple[str, str]] = {
    "authorized": (
        lazy_gettext("授权成功"),
        lazy_gettext("已将 {count} 张票据（可报销 {amount}）授权给{unit}，有效期至 {until}。单位锁定前您可随时撤销。"),
    ),
    "revoked": (lazy_gettext("已撤销授权"), lazy_gettext("已撤销对{unit}的授权：{bill}。该单位不能再查看此票据。")),
    "expired_ttl": (
        lazy_gettext("授权已失效"),
        lazy_gettext("您对{unit}的授权已失效：{bill}，单位在有效期内没有处理。如仍需报销，可重新授权。"),
    ),
    "expired_red_reversed": (
        lazy_gettext("授权已失效"),
        lazy_gettext("{bill}已被开票单位冲红作废，对{unit}的授权随之失效。这张票据不能再报销，请查看对应的红字票据。"),
    ),
    "expired_exchanged": (
        lazy_gettext("授权已失效"),
        lazy_gettext("{bill}已换开为纸质票据，对{unit}的授权随之失效。请凭纸质票据报销。"),
    ),
    "withdrawn": (
        lazy_gettext("授权已撤回"),
        lazy_gettext(
            "{unit}的单位账户已注销，您对{bill}的授权已自动撤回，该单位不能再查看或处理这张票据。"
            "票据已释放，可授权其他单位。"
        ),
    ),
    "unit_cancelled_locked": (
        lazy_gettext("报销单位账户已注销"),
        lazy_gettext(
            "{unit}的单位账户已注销。它已锁定的{bill}将在锁定到期（{until}）后释放，届时授权自动撤回，您可以授权其他单位。"
        ),
    ),
    "locked": (
        lazy_gettext("票据已被锁定报销"),
        lazy_gettext("{unit}已锁定{bill}，锁定至 {until}。锁定期间不能撤销授权。"),
    ),
    "lock_lapsed": (
        lazy_gettext("锁定已到期"),
        lazy_gettext("{unit}对{bill}的锁定已到期，票据已释放。您可以撤销授权，或等单位重新锁定。"),
    ),
    "unlocked": (
        lazy_gettext("票据已解除锁定"),
        lazy_gettext("{unit}已解除对{bill}的锁定，授权仍有效；在其重新锁定前您可以撤销授权。"),
    ),
    "reimbursed_partial": (
        lazy_gettext("报销结果已登记"),
        lazy_gettext("{unit}已报销 {amount}：{bill}。这是部分报销，剩余 {remaining} 可授权其他单位报销。"),
    ),
    "reimbursed_full": (
        lazy_gettext("报销结果已登记"),
        lazy_gettext("{unit}已报销 {amount}：{bill}。这张票据已全部报销完毕。"),
    ),
    "rejected": (
        lazy_gettext("报销被拒绝"),
        lazy_gettext("{unit}拒绝报销{bill}。原因：{reason}。票据已释放，可授权其他单位。"),
    ),
    "family_child_ended": (
        lazy_gettext("子女票据代管已结束"),
        lazy_gettext(
            "{child}已年满十八周岁，您对其票据的代管已自动结束。票据仍保存在其本人的票据夹中，"
            "其本人登录开通后即可查看和使用，代管期间的授权和访问记录也都保留。"
        ),
    ),
    "family_spouse_asked": (
        lazy_gettext("配偶关联请求"),
        lazy_gettext(
            "{spouse}请求在票据夹中与您关联为配偶。关联后双方只能看到对方选择共享的票据。请在“家人”中确认或拒绝。"
        ),
    ),
    "family_spouse_confirmed": (
        lazy_gettext("配偶关联已确认"),
        lazy_gettext("{spouse}已确认与您关联为配偶。您可以在“家人”中选择与其共享的票据。"),
    ),
    "family_spouse_declined": (
        lazy_gettext("配偶关联未成立"),
        lazy_gettext("{spouse}拒绝了配偶关联请求，双方的票据互不可见。"),
    ),
    "family_spouse_ended": (
        lazy_gettext("配偶关联已解除"),
        lazy_gettext("{spouse}解除了配偶关联，双方不再能看到对方共享的票据。"),
    ),
    "unverified": (
        lazy_gettext("有一张票据未通过验证"),
        lazy_gettext(
            "{issuer}的票据（票据代码 {code}，号码 {number}）签名验证未通过，"
            "没有收入票据夹，请勿凭它报销。请联系开票单位核实；下次同步时会再次核验。"
        ),
    ),
}

# -- reminders (wallet.services.reminder_words): kind → (title, body with named facts, link label) ---

REMINDERS: dict[str, tuple[str, str, str]] = {
    "claim_window": (
        lazy_gettext("报销时限将到"),
        lazy_gettext(
            "{bill}的报销时限（{whom}，开票后 {days} 天）将于 {deadline} 截止，还剩 {left}。"
            "这张票据尚未授权任何单位，请及时授权报销。"
        ),
        lazy_gettext("去授权报销"),
    ),
    "lock_lapse": (
        lazy_gettext("锁定即将到期"),
        lazy_gettext(
            "{unit}锁定的{bill}将于 {until} 到期，单位尚未反馈报销结果。到期后票据释放，如需了解进度请联系该单位。"
        ),
        lazy_gettext("查看处理单位"),
    ),
    "auth_expiry": (
        lazy_gettext("授权即将失效"),
        lazy_gettext("您对{unit}的授权将于 {until} 失效，单位尚未处理：{bill}。如仍需报销，请提醒该单位及时处理。"),
        lazy_gettext("查看授权"),
    ),
    "remainder": (
        lazy_gettext("剩余部分可再报销"),
        lazy_gettext("{bill}已部分报销，还有 {remaining} 可以授权其他单位报销。"),
        lazy_gettext("授权剩余部分"),
    ),
    "red_reversed": (
        lazy_gettext("已授权的票据被冲红"),
        lazy_gettext(
            "您授权过的{bill}已被开票单位冲红作废，不能再凭它报销。如需报销，请向开票单位索取重新开具的票据。"
        ),
        lazy_gettext("查看红字票据"),
    ),
    "tax_window": (
        lazy_gettext("大病医疗可在年度汇算中扣除"),
        lazy_gettext(
            "按票据夹已归集的医疗票据估算，您 {year} 年医保目录内个人自付 {counted}，超过起付标准的部分约 {deductible} "
            "可作为大病医疗专项附加扣除（以医疗保障信息平台数据为准）。请在 {closes}前完成个人所得税年度汇算。"
        ),
        lazy_gettext("查看年度账本"),
    ),
    "digest": (
        lazy_gettext("今日提醒汇总"),
        lazy_gettext("您有 {count} 条提醒：{summary}。"),
        lazy_gettext("查看全部提醒"),
    ),
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
        return gettext("%(count)s 天", count=seconds // 86400)
    if seconds % 3600 == 0:
        return gettext("%(count)s 小时", count=seconds // 3600)
    return gettext("%(count)s 分钟", count=max(1, round(seconds / 60)))


def bill_name(issuer: str, code: str, number: str) -> str:
    """How a notification names one bill: who issued it and its code and number (no amount)."""
    return gettext("%(issuer)s票据（%(code)s-%(number)s）", issuer=issuer, code=code, number=number)


def notice(kind: str, **facts: object) -> tuple[str, str]:
    """(title, body) of a notification of ``kind`` with its facts filled in."""
    title, body = NOTICES[kind]
    return str(title), str(body).format(**facts)


def reimbursed_kind(claimable: int, reimbursed_after: int) -> str:
    """``reimbursed_full`` once all that may be claimed on the bill is reimbursed, else ``reimbursed_partial``."""
    return "reimbursed_full" if reimbursed_after >= claimable else "reimbursed_partial"


def expired_kind(issuance: str) -> str:
    return {"red_reversed": "expired_red_reversed", "exchanged": "expired_exchanged"}.get(issuance, "expired_ttl")


def timeline_record(result: str, amount: int, total: int, reimbursed_before: int) -> str:
    """The timeline label of one feedback record, by what it did to the bill."""
    if result != "reimbursed":
        return str(TIMELINE["rejected"])
    if reimbursed_before + amount < total:
        return str(TIMELINE["reimbursed_partial"])
    return str(TIMELINE["reimbursed_rest"] if reimbursed_before else TIMELINE["reimbursed_full"])


def claim_chip(state: str, *, audience: str = "resident", lapsed: bool = False, reason: str = "") -> tuple[str, str]:
    """(label, tone) of a claim's state as of now, for the resident or for the unit."""
    if lapsed:
        label, tone = LAPSED_CHIP
    elif state == "expired" and reason == END_REASONS["unit_cancelled"]:
        label, tone = WITHDRAWN_CHIP
    else:
        label, tone = CLAIM_CHIPS[audience].get(state, (state, ""))
    return str(label), tone


def authorization_chip(
    state: str, *, audience: str = "resident", lapsed: bool = False, amount: int | None = None, reason: str = ""
) -> tuple[str, str]:
    """The chip of a claim in a list: a reimbursement names its amount."""
    if state == "reimbursed" and not lapsed:
        return gettext("已报销 %(amount)s", amount=money(amount or 0)), "ok"
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
        return gettext("锁定已于 %(until)s 到期，票据已释放；可撤销授权或等单位重新锁定。", until=minute(until))
    if state == "authorized":
        return gettext("有效期至 %(until)s；单位锁定前可撤销。", until=minute(until))
    if state == "locked":
        return gettext("单位已锁定，锁定至 %(until)s。锁定期间不能撤销。", until=minute(until))
    if state == "reimbursed":
        paid = amount or 0
        if paid >= claimable:
            return gettext("%(unit)s全额报销 %(amount)s。", unit=unit, amount=money(paid))
        if bill_reimbursed >= claimable:
            return gettext(
                "%(unit)s报销 %(amount)s（部分报销）；其余部分已由其他单位报销，票据已全部报销完毕。",
                unit=unit,
                amount=money(paid),
            )
        return gettext(
            "%(unit)s报销 %(amount)s（部分报销）；剩余 %(remaining)s 可授权其他单位报销。",
            unit=unit,
            amount=money(paid),
            remaining=money(claimable - bill_reimbursed),
        )
    if state == "rejected":
        return gettext("拒绝原因：%(reason)s。票据已释放，可授权其他单位。", reason=reason)
    if state == "revoked":
        return gettext("已于 %(at)s 撤销。", at=minute(closed_at))
    if reason == END_REASONS["unit_cancelled"]:
        return gettext("%(reason)s，授权已于 %(at)s 自动撤回。", reason=shown(reason), at=minute(closed_at))
    if reason == END_REASONS["red_reversed"]:
        return gettext("票据已冲红作废，授权已失效；这张票据不能再报销。")
    return gettext("%(reason)s，授权已失效。", reason=shown(reason or END_REASONS["ttl"]))
