"""A horizontal bar chart laid out here and drawn as SVG by a template: no JavaScript and no library.

Hand-laid because the ledger needs one kind of chart with Chinese labels that must render
without a font of the chart's own, inside a page whose Content-Security-Policy forbids inline
styles; geometry computed in Python keeps the template to rectangles and text with attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from common.money import yuan_display
from wallet.ledger.yearly import Figure

WIDTH = 320  # the viewBox; the SVG scales to the card's width
ROW = 44
LABEL_WIDTH = 96
BAR_MAX = WIDTH - LABEL_WIDTH - 4


@dataclass(frozen=True)
class Bar:
    label: str
    amount_text: str
    y: int
    width: int
    share: int  # percent of the chart's whole, for the text beside the bar
    tone: int  # 0..3: which of the palette's fills


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    height: int
    label_width: int = LABEL_WIDTH
    width: int = WIDTH

    @property
    def summary(self) -> str:
        """What the chart shows, in words, for screen readers."""
        return "；".join(f"{bar.label} {bar.amount_text}（{bar.share}%）" for bar in self.bars)


def bar_chart(figures: Sequence[Figure]) -> BarChart:
    shown = [figure for figure in figures if figure.amount > 0]
    whole = sum(figure.amount for figure in shown)
    largest = max((figure.amount for figure in shown), default=0)
    bars = tuple(
        Bar(
            label=figure.label,
            amount_text=yuan_display(figure.amount),
            y=i * ROW,
            width=max(2, figure.amount * BAR_MAX // largest) if largest else 0,
            share=round(figure.amount * 100 / whole) if whole else 0,
            tone=i % 4,
        )
        for i, figure in enumerate(shown)
    )
    return BarChart(bars=bars, height=max(len(bars), 1) * ROW)
