"""A shop with a team and a menu, and API clients for its members (token auth, as outside clients)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bookings.models import Barber, Service
from bookings.services import barber_create, service_create
from sixfb.models import Membership, Shop, User
from tests.base import add_member, make_owner


@dataclass
class ShopSetup:
    owner: User
    shop: Shop
    ana: Barber
    ben: Barber
    cut: Service


def shop_setup(name: str = "Fresh Cuts") -> ShopSetup:
    """Two barbers on the shop's default hours (Monday to Saturday 09:00-18:00) offering a 30-minute cut."""
    owner, shop = make_owner(shop_name=name)
    ana = barber_create(shop=shop, name="Ana")
    ben = barber_create(shop=shop, name="Ben", position=1)
    cut = service_create(shop=shop, name="Haircut", duration_minutes=30, price="35.00")
    return ShopSetup(owner=owner, shop=shop, ana=ana, ben=ben, cut=cut)


def api_client(user: User) -> Client:
    token = Token.objects.create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


def barber_login(setup: ShopSetup, barber: Barber) -> User:
    """A login for ``barber``: a barber-role member linked to their column."""
    user = add_member(shop=setup.shop, role=Membership.Role.BARBER)
    barber.membership = Membership.objects.get(shop=setup.shop, user=user)
    barber.save(update_fields=["membership"])
    return user


def working_day(shop: Shop, days_ahead: int = 7) -> dt.date:
    """A day the shop is open (not Sunday), ``days_ahead`` or a little more from today."""
    day = timezone.now().astimezone(shop.tzinfo).date() + dt.timedelta(days=days_ahead)
    return day + dt.timedelta(days=1) if day.weekday() == 6 else day


def at(shop: Shop, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=shop.tzinfo)


def post(client: Client, path: str, body: object, **headers: str):
    return client.post(path, body, content_type="application/json", headers=headers)
