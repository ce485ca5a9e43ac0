"""The seeded roster, and the agents page: each agent with its status, retired ones left out, unknown ones a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Agent
from agents.tests.support import LEGACY_SLUGS
from tests.base import make_owner

pytestmark = pytest.mark.django_db


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


def test_unknown_agent_is_404(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    assert client.get(reverse("agent_detail", args=["no_such_agent"])).status_code == 404
    assert client.post(reverse("agent_enable", args=["no_such_agent"])).status_code == 404


def test_retired_agents_disappear_from_the_shop(client):
    owner, _shop = make_owner()
    Agent.objects.filter(slug="booking_manager").update(status=Agent.Status.RETIRED)
    client.force_login(owner)
    assert 'data-agent-status="booking_manager"' not in client.get(reverse("agents")).content.decode()
