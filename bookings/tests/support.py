"""A shop ready to take bookings, made through the booking services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bookings import services
from bookings.models import Barber, Customer, Service
from sixfb.models import Shop, User
from tests.base import make_owner

# A Monday in winter (EST, UTC-5), 08:00 in New York: the shop opens at 09:00.
MONDAY = dt.date(2026, 12, 7)


@dataclass
class BookingShop:
    owner: User
    shop: Shop
    barbers: list[Barber]
    cut: Service
    customer: Customer

    def at(self, day: dt.date, hhmm: str) -> dt.datetime:
        """A wall-clock time on ``day`` in the shop's zone."""
        return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=self.shop.tzinfo)


def booking_shop(
    *, barbers: int = 1, duration: int = 30, buffer: int = 0, shop_name: str = "Fresh Cuts", hours: dict | None = None
) -> BookingShop:
    owner, shop = make_owner(shop_name=shop_name)
    if hours is not None:
        shop.business_hours = hours
        shop.save(update_fields=["business_hours"])
    team = [services.barber_create(shop=shop, name=name) for name in ["Ana", "Ben", "Cy"][:barbers]]
    cut = services.service_create(
        shop=shop, name="Haircut", duration_minutes=duration, price="35.00", buffer_after_minutes=buffer
    )
    customer = services.customer_create(shop=shop, name="Dee Walker", phone="+12125550101")
    return BookingShop(owner=owner, shop=shop, barbers=team, cut=cut, customer=customer)


def morning_of(day: dt.date, shop: Shop) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8), tzinfo=shop.tzinfo)
