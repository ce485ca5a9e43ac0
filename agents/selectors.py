"""Reads about agents, always for a shop: another shop's custom agent is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from agents.models import Agent, ShopAgent
from sixfb.models import Shop


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
        return self.agent.status


def agents_for_shop(*, shop: Shop) -> list[AgentForShop]:
    """Every agent the shop can use, in catalog order, with the shop's settings for each."""
    agents = list(Agent.objects.for_shop(shop))
    settings_by_agent = {sa.agent_id: sa for sa in ShopAgent.objects.filter(shop=shop, agent__in=agents)}
    return [AgentForShop(agent=a, shop_agent=settings_by_agent.get(a.pk)) for a in agents]


def agent_for_shop(*, shop: Shop | None, slug: str) -> AgentForShop:
    agent = get_agent_for_shop(shop=shop, slug=slug)
    return AgentForShop(agent=agent, shop_agent=ShopAgent.objects.filter(shop=shop, agent=agent).first())
