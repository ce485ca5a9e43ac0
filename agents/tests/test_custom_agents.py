"""Custom agents need the Professional plan and stay in the shop that made them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Agent, ShopAgent
from billing.models import Plan
from billing.services import shop_plan_set_manually
from tests.base import make_owner

pytestmark = pytest.mark.django_db


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
