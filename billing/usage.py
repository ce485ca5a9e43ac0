"""The usage meters of the billing page, counted by the apps that own what is counted.

Billing sits below agents and chat and imports neither. Each registers a meter here from its
``AppConfig.ready``: a name and a callable ``count(*, shop, start, end) -> int`` giving the figure
for the billing period [start, end). The page shows what is registered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from billing.entitlements import Entitlements
from sixfb.models import Shop

Meter = Callable[..., int]

_meters: dict[str, Meter] = {}


def meter_register(name: str, count: Meter) -> None:
    """Add (or replace) the meter called ``name``; ``count`` is called with keyword arguments
    ``shop``, ``start`` and ``end``."""
    _meters[name] = count


def shop_usage(*, shop: Shop, entitlements: Entitlements) -> dict[str, int]:
    """Every registered meter's figure for the shop in the period of ``entitlements``."""
    start: dt.datetime = entitlements.period_start
    end: dt.datetime = entitlements.period_end
    return {name: count(shop=shop, start=start, end=end) for name, count in _meters.items()}
