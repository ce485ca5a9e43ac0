"""A number beside the previous period's, with the change said the way a person reads it.

Counts and money change by a percentage of the previous value (none when the previous was zero);
rates change by percentage points. Whether up is good decides only the colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Number = int | float | Decimal
NONE = "\u2013"  # an en dash: nothing to show
MINUS = "\u2212"
Kind = Literal["count", "money", "rate"]


def percent_text(rate: float | None) -> str:
    """0.2 -> "20%", 1/3 -> "33.3%"; None (nothing to divide by) -> an en dash."""
    if rate is None:
        return NONE
    text = f"{rate * 100:.1f}".removesuffix(".0")
    return f"{text}%"


def money_text(amount: Decimal | None, currency: str) -> str:
    return NONE if amount is None else f"{amount:,.2f} {currency}"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: Kind
    current: Number | None
    previous: Number | None
    currency: str = ""
    up_is_good: bool = True

    def _text(self, value: Number | None) -> str:
        if self.kind == "rate":
            return percent_text(None if value is None else float(value))
        if self.kind == "money":
            return money_text(None if value is None else Decimal(value), self.currency)
        return NONE if value is None else f"{value:,}"

    @property
    def text(self) -> str:
        return self._text(self.current)

    @property
    def previous_text(self) -> str:
        return self._text(self.previous)

    @property
    def change(self) -> float | None:
        """Points for a rate, a fraction of the previous value otherwise; None when it cannot be said."""
        if self.current is None or self.previous is None:
            return None
        if self.kind == "rate":
            return round((float(self.current) - float(self.previous)) * 100, 1)
        if not self.previous:
            return None
        return round((float(self.current) - float(self.previous)) / float(self.previous), 4)

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "up from 0" if self.previous == 0 and self.current else NONE
        if change == 0:
            return "no change"
        sign = "+" if change > 0 else MINUS
        if self.kind == "rate":
            return f"{sign}{abs(change):g} pts"
        return f"{sign}{percent_text(abs(change))}"

    @property
    def trend(self) -> str:
        """``good``, ``bad`` or ``flat``: a class for the colour, never the only signal (the text says it)."""
        change = self.change
        if not change:
            return "flat"
        return "good" if (change > 0) == self.up_is_good else "bad"
