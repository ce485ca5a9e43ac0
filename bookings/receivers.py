"""Bookings' answers to other apps' signals (connected in BookingsConfig.ready)."""

from __future__ import annotations

from typing import Any

from bookings.selectors import bookable_services, booking_settings_for
from sixfb.models import Shop
from sixfb.signals import ShopFacts

# The services listed to an agent: enough for any real menu, bounded for the odd imported one.
MAX_SERVICES_FOR_AGENTS = 25


def services_for_agents(sender: Any, *, shop: Shop, figures: bool = False, **kwargs: Any) -> ShopFacts:
    """``sixfb.signals.shop_facts_wanted``: the shop's bookable services with durations and prices
    (as figures too, when asked: ``services`` as (name, minutes, price) and the ``currency``)."""
    currency = booking_settings_for(shop=shop).currency
    services = list(
        bookable_services(shop=shop).values_list("name", "duration_minutes", "price")[:MAX_SERVICES_FOR_AGENTS]
    )
    listed = [f"{name} ({minutes} min, {price:.2f} {currency})" for name, minutes, price in services]
    line = "Services and prices: " + ("; ".join(listed) if listed else "none listed for online booking yet")
    return ShopFacts(lines=[line], figures={"services": services, "currency": currency} if figures else {})
