"""Shops with real data for the tool tests, and a call the way the toolbox makes it: the arguments
checked against the tool's schema, then the tool run for one shop."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from actions.registry import ToolContext, ToolResult, tool_get
from agents.models import Agent
from bookings.demo import demo_business_seed
from bookings.models import Appointment, Barber, Customer, Payment, Service
from sixfb.models import Membership, Shop, User
from tests.base import make_owner

# Monday 7 December 2026, 08:00 in New York (EST, UTC-5).
NOW = dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 7)


def context(*, user: User, shop: Shop, agent: str = "booking_manager", now: dt.datetime = NOW) -> ToolContext:
    return ToolContext(
        shop=shop,
        user=user,
        membership=Membership.objects.select_related("shop").get(user=user, shop=shop),
        agent=Agent.objects.get(slug=agent, shop=None),
        now=now,
    )


def call(ctx: ToolContext, name: str, arguments: dict[str, Any]) -> ToolResult:
    """Run tool ``name`` as the loop does (schema first); the result must be JSON-able."""
    tool = tool_get(name)
    assert tool is not None and tool.run is not None, name
    result = tool.run(ctx, tool.check(arguments))
    json.dumps(result.data)
    return result


def as_text(result: ToolResult) -> str:
    return json.dumps(result.data) + result.summary


@dataclass
class DemoShop:
    owner: User
    shop: Shop

    def ctx(self, **kwargs: Any) -> ToolContext:
        return context(user=self.owner, shop=self.shop, **kwargs)


def demo_shop(*, name: str = "Fresh Cuts", seed: int = 6, customers: int = 60, appointments: int = 240) -> DemoShop:
    """A shop with a realistic month around NOW (bookings.demo): three barbers, eight services."""
    owner, shop = make_owner(shop_name=name)
    demo_business_seed(shop=shop, seed=seed, customers=customers, appointments=appointments, now=NOW)
    return DemoShop(owner=owner, shop=shop)


def visit(
    *,
    customer: Customer,
    barber: Barber,
    service: Service,
    start: dt.datetime,
    status: str = Appointment.Status.COMPLETED,
    paid: str | None = None,
) -> Appointment:
    """An appointment written as history (the booking services refuse the past)."""
    end = start + dt.timedelta(minutes=service.duration_minutes)
    appointment = Appointment.objects.create(
        shop=customer.shop,
        customer=customer,
        barber=barber,
        service=service,
        service_name=service.name,
        price=service.price,
        duration_minutes=service.duration_minutes,
        start=start,
        end=end,
        blocked_until=end,
        status=status,
    )
    if paid is not None:
        Payment.objects.create(shop=customer.shop, appointment=appointment, amount=Decimal(paid), paid_at=end)
    return appointment


def weeks_ago(weeks: float, hour: int = 15) -> dt.datetime:
    return (NOW - dt.timedelta(weeks=weeks)).replace(hour=hour, minute=0)
