"""The 大病医疗 special additional deduction of individual income tax, as one dated table.

A change of the law is one new row: each row holds from its first tax year until the next
row's. The amounts are in fen, like every amount in the wallet.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeriousIllnessRule:
    """From ``first_year`` on: what a person bore within the catalogue counts above ``threshold``,
    up to ``cap`` deductible; the annual settlement for a tax year runs in the next year between
    the two month-days given."""

    first_year: int
    threshold: int
    cap: int
    settlement_opens: tuple[int, int]
    settlement_closes: tuple[int, int]
    basis: str


RULES: tuple[SeriousIllnessRule, ...] = (
    SeriousIllnessRule(
        first_year=2019,
        threshold=15_000_00,
        cap=80_000_00,
        settlement_opens=(3, 1),
        settlement_closes=(6, 30),
        basis="个人所得税专项附加扣除暂行办法（国发〔2018〕41号）第十一条",
    ),
)


class NoRuleForYear(LookupError):
    """A tax year before the deduction existed."""


def rule_for(tax_year: int) -> SeriousIllnessRule:
    """The rule in force for ``tax_year``: the latest row whose first year is not after it."""
    held = [rule for rule in RULES if rule.first_year <= tax_year]
    if not held:
        raise NoRuleForYear(tax_year)
    return max(held, key=lambda rule: rule.first_year)
