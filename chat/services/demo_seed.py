"""The demo shop's agents and conversations (the ``seed_demo`` command, through
``sixfb.signals.demo_shop_seeded``): the demo login opens on a team at work, not an empty page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from agents.models import Agent, ShopAgent
from agents.selectors import agent_allowance_for_shop
from agents.services import AgentError, shop_agent_enable
from billing.models import Plan
from billing.services import shop_plan_set_manually
from chat import llm
from chat.demo import agent_identity, compose
from chat.demo.facts import shop_snapshot
from chat.errors import ChatError
from chat.models import Conversation, Message
from chat.services.conversations import conversation_start
from sixfb.models import Shop, User

# Four of the six agents: the plan's limit still shows on the agents page.
DEMO_AGENTS = ("business_coach", "marketing_expert", "financial_advisor", "booking_manager")
DEMO_PLAN = "starter"  # five agents: the Free plan allows one
# Agent, then its questions in order; each gets the demo answer, so the numbers agree with the shop's.
DEMO_CONVERSATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("booking_manager", ("Where are the gaps in next week's calendar?",)),
    ("marketing_expert", ("How do we fill our slow days without discounting?",)),
    ("business_coach", ("How did we do this week?", "Should I raise my prices?")),
)


@dataclass(frozen=True)
class DemoChats:
    agents: int
    conversations: int
    kept: bool


def _agents_enable(shop: Shop) -> int:
    allowance = agent_allowance_for_shop(shop=shop)
    if allowance.max_agents is not None and allowance.max_agents < len(DEMO_AGENTS):
        plan = Plan.objects.filter(slug=DEMO_PLAN).first()
        if plan is not None:
            shop_plan_set_manually(shop=shop, plan=plan)
    for agent in Agent.objects.catalog().filter(slug__in=DEMO_AGENTS).order_by("sort_order"):
        try:
            with transaction.atomic():
                shop_agent_enable(shop=shop, agent=agent)
        except AgentError:  # retired, or the plan is full after all: the demo does with fewer
            continue
    return ShopAgent.objects.filter(shop=shop).enabled().count()


@transaction.atomic
def demo_chats_seed(*, shop: Shop, owner: User, reset: bool = False) -> DemoChats:
    """Unless the owner already has conversations in the shop (``reset`` replaces them): enable the
    demo agents (within a plan that allows them) and start the demo conversations. A rerun leaves
    both as the owner left them."""
    existing = Conversation.objects.filter(shop=shop, user=owner)
    if existing.exists() and not reset:
        agents = ShopAgent.objects.filter(shop=shop).enabled().count()
        return DemoChats(agents, existing.filter(deleted_at__isnull=True).count(), kept=True)
    existing.delete()  # their messages go with them
    agents = _agents_enable(shop)
    snapshot = shop_snapshot(shop=shop, numbers=True)  # the owner's own conversations
    now = timezone.now()
    made = 0
    for age, (slug, questions) in enumerate(reversed(DEMO_CONVERSATIONS)):
        shop_agent = ShopAgent.objects.filter(shop=shop, agent__slug=slug, agent__shop__isnull=True).enabled().first()
        if shop_agent is None:
            continue
        identity = agent_identity(shop_agent)
        try:
            conversation = conversation_start(user=owner, shop=shop, agent_slug=slug)
        except ChatError:  # the agent is paused platform-wide: the demo does without it
            continue
        when = now - dt.timedelta(hours=5 * age + 1)  # the newest conversation first in the list
        rows = []
        for question in questions:
            rows.append(Message(conversation=conversation, shop=shop, role=Message.Role.USER, content=question))
            rows.append(
                Message(
                    conversation=conversation,
                    shop=shop,
                    role=Message.Role.ASSISTANT,
                    content=compose(agent=identity, snapshot=snapshot, question=question),
                    model=llm.DEMO_MODEL,
                    finish_reason="stop",
                )
            )
        Message.objects.bulk_create(rows)
        for index, row in enumerate(rows):  # created a few seconds apart, as a conversation is
            Message.objects.filter(pk=row.pk).update(created_at=when + dt.timedelta(seconds=20 * index))
        Conversation.objects.filter(pk=conversation.pk).update(
            title=questions[0][:60], created_at=when, updated_at=when + dt.timedelta(seconds=20 * len(rows))
        )
        made += 1
    return DemoChats(agents, made, kept=False)
