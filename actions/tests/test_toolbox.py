"""The toolbox chat is given: no tools with ``ai_agent_v2`` off; the agent's catalog with it on."""

from __future__ import annotations

import json

import pytest

from actions.models import AgentTool, ToolCall
from actions.tests.proposal_support import make_world
from actions.toolbox import ActionsToolbox
from chat.toolbox import toolbox
from sixfb.flags import AI_AGENT_V2
from sixfb.models import Flag

pytestmark = pytest.mark.django_db


def test_it_is_the_toolbox_chat_uses():
    assert isinstance(toolbox(), ActionsToolbox)


def test_no_tools_with_the_flag_off_and_the_agents_catalog_with_it_on():
    world = make_world()
    AgentTool.objects.filter(agent=world.conversation.agent).exclude(
        tool__in=["appointment_book", "customer_note"]
    ).delete()
    box = ActionsToolbox()
    who = {"shop": world.shop, "agent": world.conversation.agent, "user": world.owner}

    assert box.specs(**who) == []
    Flag.objects.get(name=AI_AGENT_V2).shops.add(world.shop)
    specs = box.specs(**who)
    assert [s["function"]["name"] for s in specs] == ["appointment_book", "customer_note"]
    assert specs[0]["type"] == "function" and specs[0]["function"]["parameters"]["required"] == [
        "service",
        "start",
        "customer",
    ]
    AgentTool.objects.filter(agent=world.conversation.agent).delete()
    assert box.specs(**who) == []


def test_call_runs_the_call():
    world = make_world()
    outcome = ActionsToolbox().call(
        shop_id=world.shop.pk,
        agent_id=world.conversation.agent_id,
        user_id=world.owner.pk,
        conversation_id=world.conversation.pk,
        message_id=world.answer.pk,
        call_id="c1",
        name="customer_note",
        arguments=json.dumps({"customer": str(world.booking.customer.pk), "note": "Regular."}),
        round=2,
    )
    assert outcome.proposal_frame is not None
    assert ToolCall.objects.get().round == 2
