"""Customers a campaign can reach (or not), in a shop the proposal tests' world runs in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from actions.models import Proposal
from actions.tests.proposal_support import World, call, proposed, result
from actions.tests.support import visit
from bookings.models import Customer
from notifications.services import preferences
from sixfb.models import Shop

TEXT = "20% off beard trims this week."


def quiet_hours(customer: Customer, *, now_inside: bool) -> dt.datetime | None:
    """Quiet hours for ``customer`` that hold now (returns when they end) or an hour that is not now:
    customers have night-time quiet hours by default, and the suite runs at any hour."""
    local = timezone.now().astimezone(customer.shop.tzinfo)
    if now_inside:
        start, end = (local - dt.timedelta(hours=1)), (local + dt.timedelta(hours=2))
    else:
        start, end = (local + dt.timedelta(hours=6)), (local + dt.timedelta(hours=7))
    start, end = start.replace(minute=0, second=0, microsecond=0), end.replace(minute=0, second=0, microsecond=0)
    quiet = {"start": start.time().isoformat("minutes"), "end": end.time().isoformat("minutes")}
    preferences.preference_update(shop=customer.shop, customer=customer, quiet_hours=quiet)
    return end if now_inside else None


def lapsed(
    world: World,
    name: str,
    *,
    phone: str = "",
    email: str = "",
    sms: bool = True,
    mail: bool = True,
    shop: Shop | None = None,
    quiet_now: bool = False,
) -> Customer:
    """A customer in the ``lapsed`` segment (one visit ten weeks ago), with consent as asked."""
    now = timezone.now()
    customer = Customer.objects.create(
        shop=shop or world.shop,
        name=name,
        phone=phone,
        email=email,
        sms_consent_at=now if sms else None,
        email_consent_at=now if mail else None,
    )
    if shop is None or shop == world.shop:
        barber, service = world.booking.barbers[0], world.booking.cut
    else:
        barber, service = shop.barbers.get(), shop.services.get()
    visit(customer=customer, barber=barber, service=service, start=now - dt.timedelta(weeks=10))
    quiet_hours(customer, now_inside=quiet_now)
    return customer


def sms_campaign(**overrides: Any) -> dict[str, Any]:
    return {"channel": "sms", "segment": "lapsed", "text": TEXT, **overrides}


def email_campaign(**overrides: Any) -> dict[str, Any]:
    return {"channel": "email", "segment": "lapsed", "subject": "Winter special", "text": TEXT, **overrides}


def propose(world: World, arguments: dict[str, Any]) -> Proposal:
    return proposed(world, "campaign_draft", arguments)


def refusal(world: World, arguments: dict[str, Any]) -> dict[str, str]:
    body = result(call(world, "campaign_draft", arguments))
    assert body["ok"] is False, body
    return body["error"]
