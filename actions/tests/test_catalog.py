"""The catalog migration: which platform agent may call which tool; custom agents start with none."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from actions.catalog import agent_tool, agent_tools
from actions.models import AgentTool
from agents.models import Agent
from agents.services import custom_agent_create
from billing.models import Plan
from billing.services import shop_plan_set_manually
from tests.base import make_owner

pytestmark = pytest.mark.django_db


def catalog(slug: str) -> set[str]:
    return set(
        AgentTool.objects.filter(agent__slug=slug, agent__shop=None, enabled=True).values_list("tool", flat=True)
    )


def test_the_booking_manager_books_and_reads_the_calendar():
    assert catalog("booking_manager") == {
        "availability", "appointments", "customer_lookup", "services_and_prices", "shop_notes",
        "appointment_book", "appointment_move", "appointment_cancel", "customer_note",
    }  # fmt: skip


def test_each_agent_has_the_tools_of_its_trade():
    assert "campaign_draft" in catalog("marketing_expert") and "customer_segment" in catalog("marketing_expert")
    assert catalog("financial_advisor") == {"shop_metrics", "services_and_prices", "shop_notes", "service_price_set"}
    assert catalog("customer_intelligence") == {
        "customer_segment", "customer_lookup", "appointments", "shop_metrics", "shop_notes", "customer_note",
    }  # fmt: skip
    assert catalog("business_coach") == {"shop_metrics", "services_and_prices", "shop_notes", "appointments"}
    assert catalog("content_generator") == {"services_and_prices", "shop_notes"}
    # no agent writes what another's trade owns
    assert not catalog("content_generator") & {"appointment_book", "campaign_draft", "service_price_set"}


def test_the_catalog_gives_registered_tools_and_skips_names_not_yet_registered():
    booking = Agent.objects.get(slug="booking_manager", shop=None)
    names = [tool.name for tool in agent_tools(agent=booking)]
    assert {"availability", "appointments", "customer_lookup", "services_and_prices", "shop_notes"} <= set(names)
    assert "shop_metrics" not in names
    assert agent_tool(agent=booking, name="shop_metrics") is None
    AgentTool.objects.filter(agent=booking, tool="availability").update(enabled=False)
    assert agent_tool(agent=booking, name="availability") is None


def test_a_shops_custom_agent_starts_with_no_tools():
    _owner, shop = make_owner()
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="professional"))
    agent = custom_agent_create(
        shop=shop, name="Greeter", role="Front desk", description="Says hi.", system_prompt="You greet people."
    )
    assert agent_tools(agent=agent) == []
    assert not AgentTool.objects.filter(agent=agent).exists()


def test_the_catalog_migration_reverses_leaving_operators_rows_and_applies_again():
    migration = importlib.import_module("actions.migrations.0002_catalog")
    coach = Agent.objects.get(slug="business_coach", shop=None)
    AgentTool.objects.create(agent=coach, tool="customer_lookup")  # added by an operator
    migration.unseed(apps, None)
    assert catalog("booking_manager") == set()
    assert catalog("business_coach") == {"customer_lookup"}
    migration.seed(apps, None)
    migration.seed(apps, None)  # twice: nothing doubles
    assert len(catalog("booking_manager")) == AgentTool.objects.filter(agent__slug="booking_manager").count() == 9
