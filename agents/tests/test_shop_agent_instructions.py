"""A shop's own name and instructions for an agent are kept apart from the agent's system prompt."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Agent, ShopAgent
from tests.base import make_owner

pytestmark = pytest.mark.django_db


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
