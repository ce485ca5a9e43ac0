"""`seed_demo` gives the demo shop a team at work: agents enabled within its plan, and finished
conversations written by the demo answers; reruns keep them, --reset replaces them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from agents.models import ShopAgent
from agents.selectors import agent_allowance_for_shop
from chat.models import Conversation, Message
from sixfb.models import Shop

pytestmark = pytest.mark.django_db

DEMO_EMAIL = "demo@6fb.local"


@pytest.fixture(autouse=True)
def debug(settings):
    settings.DEBUG = True


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_shop() -> Shop:
    return Shop.objects.get(memberships__user__email=DEMO_EMAIL)


def test_the_demo_shop_has_agents_and_finished_conversations():
    output = seed()
    shop = demo_shop()
    enabled = set(ShopAgent.objects.filter(shop=shop).enabled().values_list("agent__slug", flat=True))
    assert enabled == {"business_coach", "marketing_expert", "financial_advisor", "booking_manager"}
    allowance = agent_allowance_for_shop(shop=shop)
    assert allowance.max_agents is None or allowance.agents_enabled <= allowance.max_agents
    conversations = Conversation.objects.filter(shop=shop, user__email=DEMO_EMAIL)
    assert conversations.count() == 3
    assert "4 agents enabled, 3 conversations" in output
    for conversation in conversations:
        roles = list(conversation.messages.values_list("role", "status", "model"))
        assert roles and len(roles) % 2 == 0
        assert roles[0::2] == [("user", "complete", "")] * (len(roles) // 2)
        assert roles[1::2] == [("assistant", "complete", "demo")] * (len(roles) // 2)
        assert conversation.title
    answers = Message.objects.filter(conversation__in=conversations, role="assistant")
    assert all("Demo Cuts Barbershop" in a.content and "OPENAI_API_KEY" not in a.content for a in answers)
    coach = conversations.get(agent__slug="business_coach")
    assert "This week Demo Cuts Barbershop took $" in coach.messages.filter(role="assistant").first().content


def test_a_rerun_keeps_them_as_the_owner_left_them_and_reset_replaces_them():
    seed()
    shop = demo_shop()
    ShopAgent.objects.filter(shop=shop, agent__slug="marketing_expert").update(enabled=False)
    first = set(Conversation.objects.filter(shop=shop).values_list("uuid", flat=True))
    messages = Message.objects.filter(shop=shop).count()
    output = seed()
    assert set(Conversation.objects.filter(shop=shop).values_list("uuid", flat=True)) == first
    assert Message.objects.filter(shop=shop).count() == messages
    assert ShopAgent.objects.filter(shop=shop).enabled().count() == 3  # the owner's choice stands
    assert "agents and conversations kept as they are" in output
    seed("--reset")
    after = set(Conversation.objects.filter(shop=shop).values_list("uuid", flat=True))
    assert len(after) == 3 and not after & first
    assert ShopAgent.objects.filter(shop=shop).enabled().count() == 4
    assert Message.objects.filter(shop=shop).count() == messages


def test_the_login_alone_leaves_agents_and_conversations_alone():
    seed("--no-business")
    shop = demo_shop()
    assert not Conversation.objects.filter(shop=shop).exists()
    assert ShopAgent.objects.filter(shop=shop).enabled().count() <= 1
