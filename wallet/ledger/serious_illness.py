"""The 大病医疗 estimate for one person and one tax year.

Only the part a person bore within the medical-insurance catalogue (个人自付) after basic
medical insurance counts; 个人自费 (outside the catalogue) does not. It is an estimate: the
medical-insurance platform's yearly figure is the one the tax return uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wallet.ledger.deduction_rules import SeriousIllnessRule, rule_for


@dataclass(frozen=True)
class SeriousIllnessEstimate:
    tax_year: int
    counted: int  # 医保目录范围内的自付部分 borne in the year, in fen
    threshold: int
    cap: int
    deductible: int
    rule: SeriousIllnessRule

    @property
    def over_threshold(self) -> bool:
        return self.counted > self.threshold

    @property
    def progress_percent(self) -> int:
        """How far towards the threshold, for a progress bar: 100 once it is passed."""
        return min(100, self.counted * 100 // self.threshold) if self.threshold else 100

    @property
    def to_threshold(self) -> int:
        """What is still to be borne before anything counts."""
        return max(0, self.threshold - self.counted)

    @property
    def settlement_window(self) -> tuple[date, date]:
        """The annual settlement (汇算清缴) in which this year's deduction is claimed."""
        opens, closes = self.rule.settlement_opens, self.rule.settlement_closes
        return date(self.tax_year + 1, *opens), date(self.tax_year + 1, *closes)


def estimate(tax_year: int, counted: int) -> SeriousIllnessEstimate:
    """What above the threshold may be deducted, never more than the cap."""
    if counted < 0:
        raise ValueError("a person cannot have borne a negative amount")
    rule = rule_for(tax_year)
    deductible = min(max(counted - rule.threshold, 0), rule.cap)
    return SeriousIllnessEstimate(tax_year, counted, rule.threshold, rule.cap, deductible, rule)
