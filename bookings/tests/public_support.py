"""A shop ready for online booking, and helpers to walk its public booking page."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Barber, Service
from sixfb.models import Shop
from tests.base import make_owner

LINK = re.compile(r"/book/[\w-]+/a/[^/\s\"?]+/")


@dataclass
class OpenShop:
    shop: Shop
    barber: Barber
    other_barber: Barber
    service: Service


def open_shop(name: str = "Fresh Cuts") -> OpenShop:
    """Open 09:00-18:00 Monday to Saturday (the default hours), two barbers, one 30-minute service."""
    _owner, shop = make_owner(shop_name=name)
    shop.phone = "+1 212 555 0100"
    shop.save(update_fields=["phone"])
    barber = services.barber_create(shop=shop, name="Sam")
    other = services.barber_create(shop=shop, name="Jo")
    service = services.service_create(shop=shop, name="Skin fade", duration_minutes=30, price="35.00")
    return OpenShop(shop=shop, barber=barber, other_barber=other, service=service)


def open_day(shop: Shop, ahead: int = 3) -> dt.date:
    """The first day the shop opens, at least ``ahead`` days from today (Sundays are closed)."""
    day = timezone.now().astimezone(shop.tzinfo).date() + dt.timedelta(days=ahead)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    return day


def at(shop: Shop, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=shop.tzinfo)


def details_url(shop: Shop, service: Service) -> str:
    return reverse("book_details", args=[shop.slug, service.pk])


def booking_form(start: dt.datetime, *, barber: object = "any", key: str | None = None, **fields: object) -> dict:
    return {
        "name": "Ana Díaz",
        "phone": "(212) 555-0123",
        "email": "ana@example.com",
        "start": start.isoformat(),
        "barber": str(barber),
        "idempotency_key": key or secrets.token_urlsafe(24),
        **fields,
    }


def book(client: Client, opened: OpenShop, start: dt.datetime, **form: Any):
    return client.post(details_url(opened.shop, opened.service), booking_form(start, **form))


def link_of(response) -> str:
    """The signed appointment link a successful booking redirects to."""
    assert response.status_code == 302, response.content.decode()[:2000]
    match = LINK.match(response["Location"])
    assert match, response["Location"]
    return match.group(0)
