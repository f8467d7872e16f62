"""The 大病医疗 statement's content: one person's medical bills of a tax year and the estimate, with the
labels both files (wallet.ledger.exports) show, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.money import yuan
from common.translatable import N_, gettext, shown
from wallet.ledger.serious_illness import SeriousIllnessEstimate
from wallet.ledger.yearly import LedgerEntry

# The labels are the wallet's own words, read in the resident's language (shown); the Chinese
# text is each one's catalog id. The bills' own faces (issuer, bill type) stay as issued.
TITLE = N_("大病医疗支出明细")
TITLE_LINE = N_("%(title)s（%(year)s 年 · %(person)s）")
MONEY_COLUMNS = (N_("票据金额"), N_("医保统筹及其他医保支付"), N_("个人自付（目录内）"), N_("个人自费（目录外）"))
COLUMNS = (
    N_("序号"),
    N_("开票日期"),
    N_("医疗机构"),
    N_("票据类型"),
    N_("票据代码"),
    N_("票据号码"),
    *MONEY_COLUMNS,
)
ISSUER_COLUMN = COLUMNS.index("医疗机构")
ROWS_PER_TABLE = 30
NOTICE = N_("本表为票据夹根据已归集的医疗票据估算，仅供年度汇算参考；以医疗保障信息平台提供的年度数据为准。")
TOTAL = N_("合计")


@dataclass(frozen=True)
class Statement:
    """What both files show: whose bills, the year, the estimate and who may claim it."""

    person: str
    claimed_by: str
    estimate: SeriousIllnessEstimate
    entries: tuple[LedgerEntry, ...]
    # The person as the reader's language names them, where it differs from the ledger's key ``person``.
    person_shown: str = ""

    @property
    def whose(self) -> str:
        return self.person_shown or shown(self.person)

    @property
    def rows(self) -> list[tuple[int, str, str, str, str, str, Decimal, Decimal, Decimal, Decimal]]:
        return [
            (i, e.issued_on.isoformat(), e.issuer, e.type_name, e.code, e.number, *_money(e))
            for i, e in enumerate(self.entries, start=1)
        ]

    @property
    def sums(self) -> tuple[Decimal, ...]:
        """The money columns' totals."""
        columns = list(zip(*(_money(e) for e in self.entries), strict=True)) or [()] * len(MONEY_COLUMNS)
        return tuple(sum(column, Decimal("0.00")) for column in columns)

    @property
    def title(self) -> str:
        """The heading, in the reader's language."""
        return gettext(TITLE_LINE, title=shown(TITLE), year=self.estimate.tax_year, person=self.whose)

    @property
    def summary(self) -> list[tuple[str, str]]:
        """(label's Chinese id, value in the reader's language); the rule's basis is a Chinese regulation's name."""
        est = self.estimate
        opens, closes = est.settlement_window
        return [
            (N_("纳税年度"), gettext("%(year)s 年", year=est.tax_year)),
            (N_("就医人"), self.whose),
            (N_("医保目录内个人自付累计"), _yuan(est.counted)),
            (N_("起付标准"), _yuan(est.threshold)),
            (
                N_("可扣除金额（估算）"),
                gettext("%(amount)s 元（上限 %(cap)s 元）", amount=yuan(est.deductible), cap=yuan(est.cap)),
            ),
            (N_("可由谁扣除"), shown(self.claimed_by)),
            (N_("汇算清缴期"), gettext("%(start)s 至 %(end)s", start=opens.isoformat(), end=closes.isoformat())),
            (N_("政策依据"), est.rule.basis),
        ]


def _yuan(fen: int) -> str:
    return gettext("%(amount)s 元", amount=yuan(fen))


def _money(entry: LedgerEntry) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    paid = entry.payments
    return (
        Decimal(yuan(paid.total)),
        Decimal(yuan(paid.public_at_settlement)),
        Decimal(yuan(paid.co_pay)),
        Decimal(yuan(paid.self_pay)),
    )


def medical_entries(entries: list[LedgerEntry], person: str) -> tuple[LedgerEntry, ...]:
    return tuple(e for e in entries if e.person == person and e.medical)
