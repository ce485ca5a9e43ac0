"""What a demo answer may say about the shop: its own settings and the figures other apps give
(through ``sixfb.signals.shop_facts_wanted``; chat imports neither bookings nor insights)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sixfb.models import WEEKDAYS, Shop
from sixfb.signals import ShopFacts, shop_facts_wanted

logger = logging.getLogger(__name__)
WEEKDAY_NAMES = tuple(day.title() for day in WEEKDAYS)
SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "EUR": "€", "GBP": "£"}


@dataclass(frozen=True)
class ShopSnapshot:
    name: str
    hours: dict[int, tuple[str, str]]  # weekday (Monday 0) → (opens, closes); closed days absent
    notes: str = ""
    currency: str = "USD"
    services: list[tuple[str, int, Decimal]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    numbers_withheld: bool = False  # the asker may not see the shop's business numbers (a barber)

    def money(self, amount: Decimal | int | float) -> str:
        symbol = SYMBOLS.get(self.currency)
        value = f"{Decimal(amount):,.0f}" if Decimal(amount) >= 100 else f"{Decimal(amount):,.2f}"
        return f"{symbol}{value}" if symbol else f"{value} {self.currency}"

    @property
    def owns(self) -> str:
        """The shop's name as a possessive: "Fresh Cuts'", "Marcus's Barbers"."""
        return self.name + ("'" if self.name.endswith("s") else "'s")

    def figure(self, name: str) -> Any:
        return self.figures.get(name)

    @property
    def has_bookings(self) -> bool:
        return bool(self.figures.get("month_bookings"))

    @property
    def open_days(self) -> list[int]:
        return sorted(self.hours)

    def hours_text(self, weekday: int) -> str:
        if weekday not in self.hours:
            return f"{WEEKDAY_NAMES[weekday]} closed"
        opens, closes = self.hours[weekday]
        return f"{WEEKDAY_NAMES[weekday]} {opens}-{closes}"

    def weekday_name(self, weekday: int | None) -> str:
        return WEEKDAY_NAMES[weekday] if weekday is not None else ""

    def cheapest_and_dearest(self) -> tuple[tuple[str, int, Decimal], tuple[str, int, Decimal]] | None:
        if not self.services:
            return None
        ordered = sorted(self.services, key=lambda s: (s[2], s[0]))
        return ordered[0], ordered[-1]

    def service_text(self, service: tuple[str, int, Decimal]) -> str:
        name, minutes, price = service
        return f"{name} ({minutes} min, {self.money(price)})"

    def day_text(self, day: dt.date) -> str:
        return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day.strftime('%B')}"


def _hours(shop: Shop) -> dict[int, tuple[str, str]]:
    hours = shop.business_hours or {}
    found = {}
    for index, day in enumerate(WEEKDAYS):
        entry = hours.get(day) or {}
        if not entry.get("closed") and entry.get("open") and entry.get("close"):
            found[index] = (str(entry["open"]), str(entry["close"]))
    return found


def shop_snapshot(*, shop: Shop, numbers: bool) -> ShopSnapshot:
    """The shop as it is now, with the figures the apps above sixfb offer (a few aggregate queries);
    its business numbers only with ``numbers`` (for an owner or manager)."""
    figures: dict[str, Any] = {}
    # A receiver that fails costs the answer its figures, not the answer: it says what it can without.
    for receiver, facts in shop_facts_wanted.send_robust(sender=Shop, shop=shop, figures=True, numbers=numbers):
        if isinstance(facts, Exception):
            logger.error("shop facts from %s failed", receiver, exc_info=facts)
        elif isinstance(facts, ShopFacts):
            figures.update(facts.figures)
    services = [(str(n), int(m), Decimal(p)) for n, m, p in figures.pop("services", [])]
    return ShopSnapshot(
        name=shop.name,
        hours=_hours(shop),
        notes=" ".join(shop.notes_for_agents.split())[:200],
        currency=str(figures.pop("currency", "USD")),
        services=services,
        figures=figures,
        numbers_withheld=not numbers,
    )
