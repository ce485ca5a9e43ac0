"""Who is in the ``ai_agent_v2`` beta, as the prompt builder decides it: the person's 'beta' group,
a shop named on the flag, never an excluded shop; a custom agent keeps its own role text."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from agents import prompts
from agents.services import custom_agent_create
from billing.models import Plan
from billing.services import shop_plan_set_manually
from chat.services import chat_request, conversation_start
from chat.tests.support import make_setup
from sixfb.flags import AI_AGENT_V2
from sixfb.models import Flag, Membership
from tests.base import add_member

pytestmark = [pytest.mark.django_db]


def _system(user, conversation) -> str:
    _question, plan = chat_request(user=user, conversation=conversation, content="Hello")
    return plan.messages[0]["content"]


def test_only_the_person_in_the_beta_group_gets_it_when_the_shop_is_not_named():
    setup = make_setup()
    barber = add_member(shop=setup.shop, role=Membership.Role.BARBER)
    barber.groups.add(Group.objects.get(name="beta"))
    barbers_conversation = conversation_start(user=barber, shop=setup.shop, agent_slug="business_coach")

    assert prompts.RULES in _system(barber, barbers_conversation)
    assert prompts.RULES not in _system(setup.user, setup.conversation)


def test_a_named_shop_gets_it_for_every_member():
    setup = make_setup()
    barber = add_member(shop=setup.shop, role=Membership.Role.BARBER)
    Flag.objects.get(name=AI_AGENT_V2).shops.add(setup.shop)
    barbers_conversation = conversation_start(user=barber, shop=setup.shop, agent_slug="business_coach")

    assert prompts.RULES in _system(setup.user, setup.conversation)
    assert prompts.RULES in _system(barber, barbers_conversation)


def test_an_excluded_shop_is_out_even_for_a_beta_person():
    setup = make_setup()
    setup.user.groups.add(Group.objects.get(name="beta"))
    Flag.objects.get(name=AI_AGENT_V2).excluded_shops.add(setup.shop)
    assert prompts.RULES not in _system(setup.user, setup.conversation)


def test_a_custom_agent_keeps_its_own_role_with_the_improved_rules():
    setup = make_setup()
    Flag.objects.get(name=AI_AGENT_V2).shops.add(setup.shop)
    shop_plan_set_manually(shop=setup.shop, plan=Plan.objects.get(slug="professional"))
    agent = custom_agent_create(
        shop=setup.shop, name="Greeter", role="Front desk", description="Says hi.", system_prompt="You greet people."
    )
    conversation = conversation_start(user=setup.user, shop=setup.shop, agent_slug=agent.slug)

    system = _system(setup.user, conversation)
    assert system.startswith("You greet people.\n\n" + prompts.RULES)
