"""Reads about agents, always for a shop: another shop's custom agent is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from agents.models import Agent, ShopAgent
from sixfb.models import Shop, User


def busy_agent_ids(*, shop: Shop) -> set[int]:
    """Agents writing an answer for someone in this shop right now (the database is the truth)."""
    from chat.models import Message

    streaming = Message.objects.filter(shop=shop, status=Message.Status.STREAMING)
    return set(streaming.values_list("conversation__agent_id", flat=True))


def effective_status(*, agent: Agent, busy: bool) -> str:
    """What a shop sees: its own work makes an active agent busy; other statuses win."""
    return Agent.Status.BUSY if busy and agent.status == Agent.Status.ACTIVE else agent.status


def enabled_agent_count(*, shop: Shop) -> int:
    return ShopAgent.objects.filter(shop=shop).enabled().count()


def get_agent_for_shop(*, shop: Shop | None, slug: str) -> Agent:
    if shop is None:
        raise Http404("No such agent.")
    agent = Agent.objects.for_shop(shop).filter(slug=slug).first()
    if agent is None:
        raise Http404("No such agent.")
    return agent


@dataclass(frozen=True)
class AgentForShop:
    """An agent as one shop sees it: its own name for it, whether it is on, and its live status."""

    agent: Agent
    shop_agent: ShopAgent | None
    busy: bool = False

    @property
    def slug(self) -> str:
        return self.agent.slug

    @property
    def name(self) -> str:
        return self.shop_agent.name if self.shop_agent else self.agent.name

    @property
    def enabled(self) -> bool:
        return bool(self.shop_agent and self.shop_agent.enabled)

    @property
    def instructions(self) -> str:
        return self.shop_agent.instructions if self.shop_agent else ""

    @property
    def status(self) -> str:
        return effective_status(agent=self.agent, busy=self.busy)


def agents_for_shop(*, shop: Shop) -> list[AgentForShop]:
    """Every agent the shop can use, in catalog order, with the shop's settings for each."""
    agents = list(Agent.objects.for_shop(shop))
    settings_by_agent = {sa.agent_id: sa for sa in ShopAgent.objects.filter(shop=shop, agent__in=agents)}
    busy = busy_agent_ids(shop=shop)
    return [AgentForShop(agent=a, shop_agent=settings_by_agent.get(a.pk), busy=a.pk in busy) for a in agents]


def agents_for_caller(*, user: User, shop: Shop | None) -> list[AgentForShop]:
    """The API's list: the caller's shop's agents; staff with no shop see the platform catalog
    (they run it: its statuses are theirs to set); anyone else without a shop, nothing."""
    if shop is not None:
        return agents_for_shop(shop=shop)
    if user.is_staff:
        return [AgentForShop(agent=agent, shop_agent=None) for agent in Agent.objects.catalog()]
    return []


def agent_for_shop(*, shop: Shop | None, slug: str) -> AgentForShop:
    agent = get_agent_for_shop(shop=shop, slug=slug)
    return AgentForShop(
        agent=agent,
        shop_agent=ShopAgent.objects.filter(shop=shop, agent=agent).first(),
        busy=agent.pk in busy_agent_ids(shop=shop),
    )
