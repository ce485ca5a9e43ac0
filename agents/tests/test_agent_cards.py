"""The agents page's cards: the shop's state for each agent (enabled, not enabled, over plan), the
platform's status only when it matters, and one tap into a conversation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from agents.models import Agent, ShopAgent
from billing.models import Plan, ShopBilling
from chat.models import Conversation
from chat.views import AUTOSEND_SESSION_KEY
from sixfb.models import Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db


def card(page: str, slug: str) -> str:
    """The HTML of one agent's card on the agents page."""
    match = re.search(rf'<article[^>]*data-agent-card="{slug}".*?</article>', page, re.S)
    assert match, f"no card for {slug}"
    return match.group(0)


def state(html: str, slug: str) -> str:
    match = re.search(rf'data-agent-state="{slug}">([^<]*)<', html)
    assert match, f"no state for {slug}"
    return match.group(1)


def status_badge(html: str, slug: str) -> tuple[bool, str]:
    """(hidden, text) of the platform status badge."""
    match = re.search(rf'<span class="status status-\w+" (hidden )?data-agent-status="{slug}"[^>]*>([^<]*)<', html)
    assert match, f"no status badge for {slug}"
    return bool(match.group(1)), match.group(2)


def agents_page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("agents")).content.decode()


def test_free_plan_full_the_enabled_agent_can_be_chatted_with_the_others_say_upgrade(client):
    owner, _shop = make_owner()  # a new shop: Free, the business coach on, 1 of 1
    page = agents_page(client, owner)

    coach = card(page, "business_coach")
    assert state(coach, "business_coach") == "Enabled"
    assert status_badge(coach, "business_coach") == (True, "")  # "active" shows nothing extra
    assert f'action="{reverse("chat_new")}"' in coach and 'name="agent" value="business_coach"' in coach
    assert "Start a chat" in coach and reverse("agent_disable", args=["business_coach"]) in coach

    marketing = card(page, "marketing_expert")
    assert state(marketing, "marketing_expert") == "Over plan"
    assert "Upgrade" in marketing and reverse("pricing") in marketing
    assert reverse("agent_enable", args=["marketing_expert"]) not in marketing
    assert "Enabled: 1 of 1 agent on your Free plan." in " ".join(page.split())


def test_with_room_on_the_plan_a_disabled_agent_offers_enable(client):
    owner, shop = make_owner()
    ShopBilling.objects.create(shop=shop, manual_plan=Plan.objects.get(slug="starter"))
    page = agents_page(client, owner)

    marketing = card(page, "marketing_expert")
    assert state(marketing, "marketing_expert") == "Not enabled"
    assert reverse("agent_enable", args=["marketing_expert"]) in marketing and "Upgrade" not in marketing
    assert "Start a chat" not in marketing
    assert "Enabled: 1 of 5 agents on your Starter plan." in " ".join(page.split())


def test_an_unlimited_plan_says_so(client):
    owner, shop = make_owner()
    ShopBilling.objects.create(shop=shop, manual_plan=Plan.objects.get(slug="professional"))
    page = " ".join(agents_page(client, owner).split())
    assert "Enabled: 1 agent on your Professional plan, which has no limit." in page


def test_a_plan_lowered_below_the_agents_enabled_says_how_many_are_over(client):
    owner, shop = make_owner()
    for slug in ("marketing_expert", "financial_advisor"):
        ShopAgent.objects.create(shop=shop, agent=Agent.objects.get(slug=slug), enabled=True)
    page = " ".join(agents_page(client, owner).split())
    assert "Enabled: 3 of 1 agent on your Free plan. That is 2 over its limit" in page


def test_a_paused_agent_shows_its_status_an_active_one_does_not(client):
    owner, _shop = make_owner()
    Agent.objects.filter(slug="business_coach").update(status=Agent.Status.PAUSED)
    Agent.objects.filter(slug="content_generator").update(status=Agent.Status.MAINTENANCE)
    page = agents_page(client, owner)
    assert status_badge(card(page, "business_coach"), "business_coach") == (False, "Paused")
    assert status_badge(card(page, "content_generator"), "content_generator") == (False, "Maintenance")
    assert status_badge(card(page, "marketing_expert"), "marketing_expert") == (True, "")


def test_a_barber_sees_the_state_but_can_neither_enable_nor_upgrade(client):
    _owner, shop = make_owner()
    barber = add_member(shop=shop, role=Membership.Role.BARBER)
    page = agents_page(client, barber)

    coach = card(page, "business_coach")
    assert state(coach, "business_coach") == "Enabled" and "Start a chat" in coach
    assert reverse("agent_disable", args=["business_coach"]) not in coach
    marketing = card(page, "marketing_expert")
    assert state(marketing, "marketing_expert") == "Over plan"
    assert "Upgrade" not in marketing and reverse("agent_enable", args=["marketing_expert"]) not in marketing
    assert "Ask the owner or a manager" in marketing
    assert client.post(reverse("agent_enable", args=["marketing_expert"])).status_code == 403


def test_try_asking_is_one_post_into_the_conversation_with_the_question_sent(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    detail = client.get(reverse("agent_detail", args=["business_coach"])).content.decode()
    prompt = Agent.objects.get(slug="business_coach").starter_prompts[0]
    assert f'name="prompt" value="{prompt}"' in detail.replace("&#x27;", "'")
    assert f"{reverse('chat')}?agent=" not in detail  # no detour through the new-conversation form

    response = client.post(reverse("chat_new"), {"agent": "business_coach", "prompt": prompt})
    conversation = Conversation.objects.get(user=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("chat_conversation", args=[conversation.uuid])
    chat_page = client.get(response["Location"])
    assert chat_page.context["config"]["autosend"] == prompt
    assert AUTOSEND_SESSION_KEY not in client.session  # a reload does not send it again


def test_a_disabled_agents_prompts_are_not_buttons_and_a_stale_form_says_why(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    detail = client.get(reverse("agent_detail", args=["marketing_expert"])).content.decode()
    assert 'value="marketing_expert"' not in detail  # no start-chat form for an agent that is off

    response = client.post(reverse("chat_new"), {"agent": "marketing_expert", "prompt": "Hi"}, follow=True)
    assert not Conversation.objects.filter(user=owner).exists()
    assert "is not enabled for your shop" in response.content.decode()


def test_the_chat_page_offers_one_tap_questions_until_the_first_conversation(client):
    owner, shop = make_owner()
    client.force_login(owner)
    prompt = Agent.objects.get(slug="business_coach").starter_prompts[0]
    page = client.get(reverse("chat")).content.decode().replace("&#x27;", "'")
    assert "data-try-asking" in page
    assert 'name="agent" value="business_coach"' in page and f'name="prompt" value="{prompt}"' in page

    Conversation.objects.create(shop=shop, user=owner, agent=Agent.objects.get(slug="business_coach"))
    assert "data-try-asking" not in client.get(reverse("chat")).content.decode()
