"""The 大病医疗 estimate at its edges, and the dated rule table behind it."""

from __future__ import annotations

from datetime import date

import pytest

from wallet.ledger.deduction_rules import NoRuleForYear, rule_for
from wallet.ledger.serious_illness import estimate


@pytest.mark.parametrize(
    ("counted", "deductible"),
    [
        (14_999_99, 0),
        (15_000_00, 0),
        (15_000_01, 1),
        (95_000_00, 80_000_00),
        (95_000_01, 80_000_00),
        (0, 0),
    ],
)
def test_only_what_exceeds_15000_counts_and_never_more_than_80000(counted: int, deductible: int) -> None:
    assert estimate(2026, counted).deductible == deductible


def test_progress_and_what_is_left_to_the_threshold() -> None:
    below = estimate(2026, 7_500_00)
    assert (below.progress_percent, below.to_threshold, below.over_threshold) == (50, 7_500_00, False)
    above = estimate(2026, 20_000_00)
    assert (above.progress_percent, above.to_threshold, above.over_threshold) == (100, 0, True)


def test_the_year_is_claimed_in_the_next_years_annual_settlement() -> None:
    assert estimate(2026, 0).settlement_window == (date(2027, 3, 1), date(2027, 6, 30))


def test_a_year_before_the_deduction_existed_has_no_rule() -> None:
    with pytest.raises(NoRuleForYear):
        rule_for(2018)


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError):
        estimate(2026, -1)
