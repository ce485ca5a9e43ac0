"""An agent answering someone in a shop shows as busy to that shop only, from the database."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import Agent
from chat.models import Conversation, Message
from tests.base import make_owner

pytestmark = pytest.mark.django_db


def start_answer(*, user, shop, slug):
    conversation = Conversation.objects.create(shop=shop, user=user, agent=Agent.objects.get(slug=slug))
    return Message.objects.create(
        conversation=conversation, shop=shop, role=Message.Role.ASSISTANT, status=Message.Status.STREAMING
    )


def badge(page: str, slug: str) -> str:
    marker = f'data-agent-status="{slug}" aria-live="polite">'
    return page.split(marker, 1)[1].split("<", 1)[0]


def test_page_load_shows_the_shops_own_answers_as_busy_and_no_one_elses(client):
    owner, shop = make_owner(shop_name="Fresh Cuts")
    other_owner, _other_shop = make_owner(shop_name="Rival Fades")
    answer = start_answer(user=owner, shop=shop, slug="financial_advisor")

    client.force_login(owner)
    page = client.get(reverse("agents")).content.decode()
    assert badge(page, "financial_advisor") == "Busy"
    assert badge(page, "marketing_expert") == ""  # plain "active" shows no badge
    api = {a["slug"]: a["status"] for a in client.get("/api/v1/agents/").json()}
    assert api["financial_advisor"] == "busy"

    client.force_login(other_owner)
    assert badge(client.get(reverse("agents")).content.decode(), "financial_advisor") == ""

    answer.status = Message.Status.COMPLETE
    answer.save()
    client.force_login(owner)
    assert badge(client.get(reverse("agents")).content.decode(), "financial_advisor") == ""


def test_a_platform_status_wins_over_busy(client):
    owner, shop = make_owner()
    start_answer(user=owner, shop=shop, slug="booking_manager")
    Agent.objects.filter(slug="booking_manager").update(status=Agent.Status.MAINTENANCE)
    client.force_login(owner)
    page = client.get(reverse("agent_detail", args=["booking_manager"])).content.decode()
    assert badge(page, "booking_manager") == "Maintenance"
