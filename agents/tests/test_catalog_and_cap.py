"""The seeded roster, enabling within the plan's cap, downgrades, shop settings and custom agents."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Agent, ShopAgent
from billing.models import Plan
from billing.services import shop_plan_set_manually
from sixfb.models import Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db

LEGACY_SLUGS = {
    "business_coach",
    "marketing_expert",
    "financial_advisor",
    "customer_intelligence",
    "content_generator",
    "booking_manager",
}


def enable(client, slug):
    return client.post(reverse("agent_enable", args=[slug]), follow=True)


def test_the_six_legacy_agents_are_seeded_with_real_prompts():
    agents = {a.slug: a for a in Agent.objects.catalog()}
    assert set(agents) == LEGACY_SLUGS
    for agent in agents.values():
        assert agent.status == Agent.Status.ACTIVE
        assert len(agent.system_prompt) > 600
        assert "barbershop" in agent.system_prompt.lower()
        assert "ask" in agent.system_prompt.lower()  # asks for the numbers it needs
        assert agent.starter_prompts
    assert agents["financial_advisor"].persona_name == "Marcus"
    assert agents["marketing_expert"].persona_name == "Sophia"


def test_agents_page_shows_every_agent_with_its_status(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    page = client.get(reverse("agents")).content.decode()
    for slug in LEGACY_SLUGS:
        assert f'data-agent-status="{slug}"' in page
    assert "1 of 1 agent on your Free plan" in " ".join(page.split())  # a new shop starts with the coach


def test_free_plan_enables_one_agent_and_refuses_the_second_with_a_pricing_link(client):
    owner, shop = make_owner()
    client.force_login(owner)

    assert enable(client, "business_coach").status_code == 200
    response = enable(client, "marketing_expert")

    page = response.content.decode()
    assert "Your Free plan includes 1 agent." in page
    assert reverse("pricing") in page
    enabled = set(ShopAgent.objects.filter(shop=shop, enabled=True).values_list("agent__slug", flat=True))
    assert enabled == {"business_coach"}


def test_starter_allows_five(client):
    owner, shop = make_owner()
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="starter"))
    client.force_login(owner)
    for slug in sorted(LEGACY_SLUGS):
        enable(client, slug)
    assert ShopAgent.objects.filter(shop=shop, enabled=True).count() == 5


def test_downgrade_disables_the_newest_agents_without_deleting_them(client):
    owner, shop = make_owner()
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="professional"))
    client.force_login(owner)
    order = ["business_coach", "booking_manager", "content_generator", "financial_advisor"]
    for slug in order[1:]:  # the coach is on from the start
        enable(client, slug)
    client.post(
        reverse("agent_detail", args=["content_generator"]),
        {"display_name": "Caption Pro", "instructions": "Always mention our Saturday specials."},
    )

    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="free"))

    rows = {sa.agent.slug: sa for sa in ShopAgent.objects.filter(shop=shop).select_related("agent")}
    assert set(rows) == set(order)  # nothing deleted
    assert [slug for slug in order if rows[slug].enabled] == ["business_coach"]  # the first one stays
    assert rows["content_generator"].disabled_reason == "plan_limit"
    assert rows["content_generator"].display_name == "Caption Pro"
    assert rows["content_generator"].instructions == "Always mention our Saturday specials."


def test_a_barber_cannot_enable_or_disable(client):
    _owner, shop = make_owner()
    barber = add_member(shop=shop, role=Membership.Role.BARBER)
    client.force_login(barber)
    assert client.post(reverse("agent_enable", args=["marketing_expert"])).status_code == 403
    assert client.post(reverse("agent_disable", args=["business_coach"])).status_code == 403
    assert list(ShopAgent.objects.filter(shop=shop).enabled().values_list("agent__slug", flat=True)) == [
        "business_coach"
    ]
    page = client.get(reverse("agents")).content.decode()
    assert reverse("agent_enable", args=["marketing_expert"]) not in page


def test_shop_instructions_are_kept_apart_from_the_system_prompt(client):
    owner, shop = make_owner()
    client.force_login(owner)
    agent = Agent.objects.get(slug="financial_advisor")
    original_prompt = agent.system_prompt

    response = client.post(
        reverse("agent_detail", args=["financial_advisor"]),
        {"display_name": "Money Marcus", "instructions": "We rent 3 booths at $250 a week."},
    )

    assert response.status_code == 302
    shop_agent = ShopAgent.objects.get(shop=shop, agent=agent)
    assert (shop_agent.display_name, shop_agent.instructions) == ("Money Marcus", "We rent 3 booths at $250 a week.")
    agent.refresh_from_db()
    assert agent.system_prompt == original_prompt
    assert "Money Marcus" in client.get(reverse("agents")).content.decode()


def test_unknown_agent_is_404(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    assert client.get(reverse("agent_detail", args=["no_such_agent"])).status_code == 404
    assert client.post(reverse("agent_enable", args=["no_such_agent"])).status_code == 404


def test_custom_agents_need_professional_and_stay_in_their_shop(client):
    owner, shop = make_owner(shop_name="Fresh Cuts")
    other_owner, other_shop = make_owner(shop_name="Rival Fades")
    client.force_login(owner)
    payload = {
        "name": "Retail Advisor",
        "role": "Product sales",
        "description": "Sells pomade.",
        "icon": "money",
        "system_prompt": "You help a barbershop sell retail products.",
    }

    refused = client.post(reverse("agent_create"), payload, follow=True)
    assert "Professional" in refused.content.decode()
    assert not Agent.objects.filter(shop=shop).exists()

    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="professional"))
    response = client.post(reverse("agent_create"), payload)
    agent = Agent.objects.get(shop=shop)
    assert response["Location"] == reverse("agent_detail", args=[agent.slug])
    assert ShopAgent.objects.get(shop=shop, agent=agent).enabled

    client.force_login(other_owner)
    assert client.get(reverse("agent_detail", args=[agent.slug])).status_code == 404
    assert client.post(reverse("agent_enable", args=[agent.slug])).status_code == 404
    assert agent.slug not in client.get(reverse("agents")).content.decode()
    assert not ShopAgent.objects.filter(shop=other_shop, agent=agent).exists()


def test_retired_agents_disappear_from_the_shop(client):
    owner, _shop = make_owner()
    Agent.objects.filter(slug="booking_manager").update(status=Agent.Status.RETIRED)
    client.force_login(owner)
    assert 'data-agent-status="booking_manager"' not in client.get(reverse("agents")).content.decode()
