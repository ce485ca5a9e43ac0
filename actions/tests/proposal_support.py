"""A shop ready to take bookings, a conversation with an agent that has tools, and its answer in
progress: what a tool call runs against."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from actions.models import AgentTool, Proposal
from actions.registry import Tool, _tools, tool_names, tool_register
from actions.services import tool_call_run
from bookings.tests.support import BookingShop, booking_shop
from chat.models import Conversation, Message
from chat.services import conversation_start
from chat.toolbox import ToolOutcome
from sixfb.models import User

AGENT = "business_coach"
WRITE_TOOLS = [
    "appointment_book",
    "appointment_move",
    "appointment_cancel",
    "service_price_set",
    "service_create",
    "customer_note",
    "campaign_draft",
]


@dataclass
class World:
    booking: BookingShop
    conversation: Conversation
    answer: Message

    @property
    def shop(self):
        return self.booking.shop

    @property
    def owner(self) -> User:
        return self.booking.owner

    def at(self, hhmm: str, weeks: int = 0) -> dt.datetime:
        """A wall-clock time on the open day (``weeks`` later), in the shop's zone."""
        return self.booking.at(open_day(weeks), hhmm)


def open_day(extra_weeks: int = 0) -> dt.date:
    """A Tuesday at least a week ahead (the test shop opens Monday to Saturday)."""
    day = timezone.now().date() + dt.timedelta(days=7)
    while day.weekday() != 1:
        day += dt.timedelta(days=1)
    return day + dt.timedelta(weeks=extra_weeks)


def make_world(*, barbers: int = 2, user: User | None = None, booking: BookingShop | None = None) -> World:
    booking = booking or booking_shop(barbers=barbers)
    conversation = conversation_start(user=user or booking.owner, shop=booking.shop, agent_slug=AGENT)
    answer = new_answer(conversation)
    for name in tool_names():
        AgentTool.objects.get_or_create(agent=conversation.agent, tool=name)
    return World(booking, conversation, answer)


def new_answer(conversation: Conversation) -> Message:
    Message.objects.create(conversation=conversation, shop=conversation.shop, role="user", content="Please")
    return Message.objects.create(
        conversation=conversation, shop=conversation.shop, role="assistant", status=Message.Status.COMPLETE
    )


def call(
    world: World, name: str, arguments: Any, *, call_id: str = "call_1", answer: Message | None = None
) -> ToolOutcome:
    answer = answer or world.answer
    return tool_call_run(
        shop_id=world.shop.pk,
        agent_id=world.conversation.agent_id,
        user_id=world.conversation.user_id,
        conversation_id=world.conversation.pk,
        message_id=answer.pk,
        call_id=call_id,
        name=name,
        arguments=arguments if isinstance(arguments, str) else json.dumps(arguments),
        round=1,
    )


def result(outcome: ToolOutcome) -> dict:
    return json.loads(outcome.content)


def error_code(outcome: ToolOutcome) -> str:
    body = result(outcome)
    assert body["ok"] is False, body
    return body["error"]["code"]


def proposed(world: World, name: str, arguments: dict) -> Proposal:
    outcome = call(world, name, arguments)
    body = result(outcome)
    assert body["ok"] is True and "proposal" in body, body
    return Proposal.objects.get(uuid=body["proposal"]["id"])


@contextmanager
def registered(tool: Tool, *, world: World | None = None) -> Iterator[Tool]:
    """A tool for one test, in the agent's catalog when ``world`` is given."""
    tool_register(tool)
    if world is not None:
        AgentTool.objects.get_or_create(agent=world.conversation.agent, tool=tool.name)
    try:
        yield tool
    finally:
        _tools.pop(tool.name, None)
