"""shop_metrics (the owner's numbers, owners and managers only), services_and_prices and shop_notes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actions.registry import ToolError
from actions.tests.support import NOW, call, context, demo_shop
from agents.models import Agent, ShopAgent
from bookings.models import Payment, Service
from bookings.services import service_update
from insights import selectors as insights
from insights.periods import Period
from sixfb.models import Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return demo_shop()


def test_metrics_are_the_insights_figures_for_the_period(demo):
    result = call(demo.ctx(), "shop_metrics", {"period": "last_week"})
    period = Period(dt.date(2026, 11, 30), dt.date(2026, 12, 6), demo.shop.tzinfo)
    head = insights.headline(shop=demo.shop, period=period)
    paid = Payment.objects.filter(shop=demo.shop, paid_at__gte=period.start, paid_at__lt=period.end)
    assert result.data["period"] == {"from": "2026-11-30", "to": "2026-12-06", "label": "last week"}
    assert Decimal(result.data["revenue"]) == sum(p.amount for p in paid) > 0
    assert result.data["bookings"] == head.bookings > 0
    assert result.data["rebooking_rate"] == head.rebooking_rate
    assert result.data["no_show_rate"] == head.no_show_rate
    assert result.data["new_customers"] == head.new_customers
    assert result.data["returning_customers"] == head.returning_customers
    assert 0 < result.data["utilisation"] <= 1
    assert {row["barber"] for row in result.data["utilisation_by_barber"]} == {
        "Marcus Reed", "Andre Silva", "Jamal Carter",
    }  # fmt: skip
    top = insights.top_services(shop=demo.shop, period=period)
    assert [row["service"] for row in result.data["top_services"]] == [row["service_name"] for row in top]
    assert result.data["currency"] == "USD"
    assert result.data["revenue"] in result.summary


@pytest.mark.parametrize(
    ("arguments", "first", "last"),
    [
        ({"period": "today"}, "2026-12-07", "2026-12-07"),
        ({"period": "this_week"}, "2026-12-07", "2026-12-07"),  # NOW is a Monday
        ({"period": "this_month"}, "2026-12-01", "2026-12-07"),
        ({"period": "last_month"}, "2026-11-01", "2026-11-30"),
        ({}, "2026-12-01", "2026-12-07"),
        ({"from": "2026-11-20", "to": "2026-11-26"}, "2026-11-20", "2026-11-26"),
        ({"from": "2026-11-20"}, "2026-11-20", "2026-12-07"),
    ],
)
def test_metrics_periods_are_whole_days_on_the_shops_clock(arguments, first, last):
    owner, shop = make_owner()
    result = call(context(user=owner, shop=shop, now=NOW), "shop_metrics", arguments)
    assert (result.data["period"]["from"], result.data["period"]["to"]) == (first, last)
    assert result.data["revenue"] == "0.00" and result.data["rebooking_rate"] is None


def test_a_manager_gets_the_numbers_and_a_barber_does_not(demo):
    manager = add_member(shop=demo.shop, role=Membership.Role.MANAGER)
    assert call(context(user=manager, shop=demo.shop), "shop_metrics", {"period": "last_week"}).data["bookings"] > 0
    barber = add_member(shop=demo.shop, role=Membership.Role.BARBER)
    with pytest.raises(ToolError) as caught:
        call(context(user=barber, shop=demo.shop), "shop_metrics", {"period": "last_week"})
    assert caught.value.code == "not_allowed"


@pytest.mark.parametrize(
    "arguments",
    [
        {"period": "yesterday"},
        {"period": "today", "from": "2026-12-01"},
        {"from": "2026-12-05", "to": "2026-12-01"},
        {"from": "2024-01-01", "to": "2026-01-01"},  # over 366 days
        {"from": "1999-12-31", "to": "2000-01-02"},
        {"to": "2026-12-01"},
        {"period": "today", "currency": "EUR"},
    ],
)
def test_metrics_arguments_are_checked(arguments):
    owner, shop = make_owner()
    with pytest.raises(ToolError) as caught:
        call(context(user=owner, shop=shop), "shop_metrics", arguments)
    assert caught.value.code == "invalid_arguments"


def test_services_and_prices_lists_the_catalog_with_barbers(demo):
    retired = Service.objects.get(shop=demo.shop, name="Line-Up")
    service_update(service=retired, active=False)
    result = call(demo.ctx(), "services_and_prices", {})
    rows = {row["name"]: row for row in result.data["services"]}
    assert len(rows) == 8 and result.data["count"] == 8
    shave = rows["Hot Towel Shave"]
    assert shave["price"] == "40.00" and shave["duration_minutes"] == 45 and shave["active"] is True
    assert {b["name"] for b in shave["barbers"]} == {"Marcus Reed", "Andre Silva"}
    assert shave["id"] == str(Service.objects.get(shop=demo.shop, name="Hot Towel Shave").pk)
    assert rows["Line-Up"]["active"] is False
    offered = call(demo.ctx(), "services_and_prices", {"active_only": True})
    assert "Line-Up" not in {row["name"] for row in offered.data["services"]}
    with pytest.raises(ToolError):
        call(demo.ctx(), "services_and_prices", {"active_only": "yes"})


def test_shop_notes_give_the_shops_notes_the_agents_instructions_and_hours(demo):
    demo.shop.notes_for_agents = "Walk-ins welcome before noon. " + "x" * 5000
    demo.shop.save(update_fields=["notes_for_agents"])
    booking = Agent.objects.get(slug="booking_manager", shop=None)
    ShopAgent.objects.create(shop=demo.shop, agent=booking, instructions="Never book Marcus on Fridays.")
    coach = Agent.objects.get(slug="business_coach", shop=None)
    ShopAgent.objects.update_or_create(shop=demo.shop, agent=coach, defaults={"instructions": "Be blunt."})
    result = call(demo.ctx(agent="booking_manager"), "shop_notes", {})
    data = result.data
    assert data["notes_for_agents"].startswith("Walk-ins welcome") and len(data["notes_for_agents"]) <= 4002
    assert data["instructions_for_you"] == "Never book Marcus on Fridays."
    assert data["opening_hours"]["saturday"] == "09:00-17:00" and data["opening_hours"]["monday"] == "09:00-19:00"
    assert data["time_zone"] == "America/New_York" and data["today"] == "2026-12-07"
    assert call(demo.ctx(agent="business_coach"), "shop_notes", {}).data["instructions_for_you"] == "Be blunt."
    with pytest.raises(ToolError):
        call(demo.ctx(), "shop_notes", {"about": "prices"})


def test_shop_notes_of_a_new_shop_say_so():
    owner, shop = make_owner()
    result = call(context(user=owner, shop=shop), "shop_notes", {})
    assert result.data["notes_for_agents"] == "" and result.data["opening_hours"]["sunday"] == "closed"
    assert "none written yet" in result.summary
