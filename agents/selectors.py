"""Reads about agents, always for a shop: another shop's custom agent is a 404."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import Http404

from agents.models import Agent, ShopAgent
from billing.entitlements import Entitlements, shop_entitlements
from billing.models import Plan
from sixfb.models import Shop, User

# What a shop's agents are working on is known to the apps that give them work (chat: the answers
# being written), which sit above agents: each registers a callable here from its AppConfig.ready.
BusySource = Callable[..., Iterable[int]]
_busy_sources: list[BusySource] = []


def busy_source_register(source: BusySource) -> None:
    """``source(shop_id=...)`` gives the ids of the agents working for someone in the shop right now."""
    if source not in _busy_sources:
        _busy_sources.append(source)


def busy_agent_ids(*, shop_id: int) -> set[int]:
    """Agents working for someone in this shop right now, by every registered source."""
    busy: set[int] = set()
    for source in _busy_sources:
        busy.update(source(shop_id=shop_id))
    return busy


def effective_status(*, agent: Agent, busy: bool) -> str:
    """What a shop sees: its own work makes an active agent busy; other statuses win."""
    return Agent.Status.BUSY if busy and agent.status == Agent.Status.ACTIVE else agent.status


def enabled_agent_count(*, shop: Shop) -> int:
    return ShopAgent.objects.filter(shop=shop).enabled().count()


@dataclass(frozen=True)
class AgentAllowance:
    """The plan's agent terms with the shop's own count of enabled agents."""

    entitlements: Entitlements
    agents_enabled: int

    @property
    def plan(self) -> Plan:
        return self.entitlements.plan

    @property
    def max_agents(self) -> int | None:
        return self.entitlements.max_agents

    @property
    def custom_agents(self) -> bool:
        return self.entitlements.custom_agents

    @property
    def agents_remaining(self) -> int | None:
        return None if self.max_agents is None else max(0, self.max_agents - self.agents_enabled)

    @property
    def can_enable_agent(self) -> bool:
        return self.max_agents is None or self.agents_enabled < self.max_agents

    @property
    def agents_over(self) -> int:
        """Enabled agents beyond the plan's cap (a plan lowered by hand leaves them on until enforced)."""
        return 0 if self.max_agents is None else max(0, self.agents_enabled - self.max_agents)


def agent_allowance_for_shop(*, shop: Shop) -> AgentAllowance:
    return AgentAllowance(entitlements=shop_entitlements(shop=shop), agents_enabled=enabled_agent_count(shop=shop))


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

    @property
    def status_shown(self) -> bool:
        """The platform's status matters to the shop only when it is not plain "active"."""
        return self.status != Agent.Status.ACTIVE


# A card's state for the shop: on its team, off it, or off it with the plan full (so "Upgrade").
ENABLED, NOT_ENABLED, OVER_PLAN = "enabled", "not_enabled", "over_plan"
STATE_LABELS = {ENABLED: "Enabled", NOT_ENABLED: "Not enabled", OVER_PLAN: "Over plan"}


@dataclass(frozen=True)
class AgentCard:
    """An agent with what the shop can do about it under its plan."""

    item: AgentForShop
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def agent_card(*, item: AgentForShop, allowance: AgentAllowance) -> AgentCard:
    state = ENABLED if item.enabled else NOT_ENABLED if allowance.can_enable_agent else OVER_PLAN
    return AgentCard(item=item, state=state)


def agents_for_shop(*, shop: Shop) -> list[AgentForShop]:
    """Every agent the shop can use, in catalog order, with the shop's settings for each."""
    agents = list(Agent.objects.for_shop(shop))
    settings_by_agent = {sa.agent_id: sa for sa in ShopAgent.objects.filter(shop=shop, agent__in=agents)}
    busy = busy_agent_ids(shop_id=shop.pk)
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
    assert shop is not None  # get_agent_for_shop answers 404 without one
    return AgentForShop(
        agent=agent,
        shop_agent=ShopAgent.objects.filter(shop=shop, agent=agent).first(),
        busy=agent.pk in busy_agent_ids(shop_id=shop.pk),
    )
