"""What every public booking page shares: finding the shop, prices, the step summary, error pages."""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bookings import selectors
from bookings.errors import BookingError
from bookings.models import Barber, Service
from sixfb.flags import ONLINE_BOOKING_ENABLED, switch_is_on
from sixfb.models import Shop

SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "EUR": "€", "GBP": "£"}
ANYONE = "any"

ShopView = Callable[..., HttpResponse]


def money(amount: Decimal, currency: str) -> str:
    text = f"{amount:,.2f}".removesuffix(".00")
    symbol = SYMBOLS.get(currency.upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


@dataclass
class Choice:
    """The service (and barber, None for anyone) a customer has picked so far, as the pages show it."""

    service: Service
    barber: Barber | None
    price: str

    @property
    def barber_param(self) -> str:
        return str(self.barber.pk) if self.barber else ANYONE

    def query(self, **extra: object) -> str:
        return urllib.parse.urlencode({"barber": self.barber_param, **{k: str(v) for k, v in extra.items()}})


def choice_for(*, shop: Shop, service: Service, barber: Barber | None) -> Choice:
    currency = selectors.booking_settings_for(shop=shop).currency
    return Choice(service=service, barber=barber, price=money(service.price, currency))


def page(request: HttpRequest, template: str, shop: Shop, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, f"bookings/public/{template}", {"shop": shop, **context}, status=status)


def online_shop(view: ShopView) -> ShopView:
    """Give ``view`` the shop of the URL's slug (404 if none). While the ``online_booking_enabled``
    kill switch is off every shop answers "paused, call the shop" (a form sent then is refused, 503);
    a shop that has switched online booking off answers with a page that says so."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
        shop = get_object_or_404(Shop, slug=slug)
        if not switch_is_on(ONLINE_BOOKING_ENABLED):
            refused = request.method == "POST"
            return page(request, "paused.html", shop, status=503 if refused else 200, refused=refused)
        if not selectors.booking_settings_for(shop=shop).online_booking_enabled:
            return page(request, "closed.html", shop)
        return view(request, shop, **kwargs)

    return wrapper


def refusal(request: HttpRequest, shop: Shop, error: BookingError) -> HttpResponse:
    """The page for a refusal that no form can fix: rate limits and online booking switched off."""
    if error.code == "online_booking_paused":
        return page(request, "paused.html", shop, status=error.status, refused=True)
    if error.code == "online_booking_closed":
        return page(request, "closed.html", shop)
    return page(request, "refused.html", shop, status=error.status, error=error)
