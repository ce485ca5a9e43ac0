"""Writes about agents: enabling within the plan's cap, shop settings, custom agents, live status."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from agents.models import Agent, ShopAgent
from agents.selectors import agent_allowance_for_shop, busy_agent_ids, effective_status
from agents.signals import agent_status_changed
from billing.entitlements import free_plan, shop_entitlements
from sixfb.errors import AppError
from sixfb.lib import analytics
from sixfb.lib.slugs import unique_slug
from sixfb.models import Shop


class AgentError(AppError):
    """A refusal the person can act on; ``code`` is stable for the API, ``status`` its HTTP status."""

    code = "agent_error"
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(self.code, message)


class AgentLimitReached(AgentError):
    code = "agent_limit_reached"
    status = 402  # the plan's limit, like chat's quota_exceeded


class AgentUnavailable(AgentError):
    code = "agent_unavailable"


class CustomAgentsNotIncluded(AgentError):
    code = "custom_agents_not_included"
    status = 402


PLAN_LIMIT = "plan_limit"
# Every new shop starts with this agent on, so its owner's first chat is accepted (Free allows one).
DEFAULT_AGENT_SLUG = "business_coach"


def agent_analytics_label(agent: Agent) -> str:
    """For analytics: a catalog agent's slug; a shop's own agent's slug holds the shop's name."""
    return "custom" if agent.is_custom else agent.slug


@transaction.atomic
def shop_agent_enable(*, shop: Shop, agent: Agent) -> ShopAgent:
    Shop.objects.lock(shop.pk)  # two requests cannot both take the last slot
    if agent.shop_id not in (None, shop.pk):
        raise AgentUnavailable("That agent belongs to another shop.")
    if agent.status == Agent.Status.RETIRED:
        raise AgentUnavailable(f"{agent.name} has been retired and can no longer be enabled.")
    shop_agent, _created = ShopAgent.objects.get_or_create(shop=shop, agent=agent, defaults={"enabled": False})
    if shop_agent.enabled:
        return shop_agent
    allowance = agent_allowance_for_shop(shop=shop)
    if not allowance.can_enable_agent:
        raise AgentLimitReached(
            f"Your {allowance.plan.name} plan includes {allowance.max_agents} "
            f"agent{'s' if allowance.max_agents != 1 else ''}. "
            "Disable one or upgrade your plan to add more."
        )
    shop_agent.enabled = True
    shop_agent.enabled_at = timezone.now()
    shop_agent.disabled_reason = ""
    shop_agent.save(update_fields=["enabled", "enabled_at", "disabled_reason", "updated_at"])
    analytics.track_shop(shop, "agent_enabled", agent=agent_analytics_label(agent), custom=agent.is_custom)
    return shop_agent


@transaction.atomic
def shop_agent_enable_default(*, shop: Shop) -> ShopAgent | None:
    """A shop with no agent enabled gets the business coach, within its plan's cap. Returns it, or
    None when the shop already has agents or the coach cannot be enabled (retired, not seeded, or a
    plan allowing none): a new shop must still be created then."""
    Shop.objects.lock(shop.pk)
    if ShopAgent.objects.filter(shop=shop).enabled().exists():
        return None
    agent = Agent.objects.catalog().filter(slug=DEFAULT_AGENT_SLUG).first()
    if agent is None:
        return None
    try:
        with transaction.atomic():
            return shop_agent_enable(shop=shop, agent=agent)
    except AgentError:
        return None


@transaction.atomic
def shop_agents_enable_default_for_new_shops(*, shop_ids: list[int]) -> int:
    """``shop_agent_enable_default`` in one insert, for shops just created in bulk (the legacy import):
    such shops have no subscription, no plan set by hand and no agents, so Free's cap is theirs.
    Returns how many shops got the coach."""
    agent = Agent.objects.catalog().filter(slug=DEFAULT_AGENT_SLUG).first()
    cap = free_plan().max_agents
    if not shop_ids or agent is None or cap == 0:
        return 0
    now = timezone.now()
    rows = [ShopAgent(shop_id=pk, agent=agent, enabled=True, enabled_at=now) for pk in shop_ids]
    return len(ShopAgent.objects.bulk_create(rows, ignore_conflicts=True))


@transaction.atomic
def shop_agent_disable(*, shop: Shop, agent: Agent, reason: str = "") -> ShopAgent | None:
    Shop.objects.lock(shop.pk)
    shop_agent = ShopAgent.objects.filter(shop=shop, agent=agent).first()
    if shop_agent is None or not shop_agent.enabled:
        return shop_agent
    shop_agent.enabled = False
    shop_agent.disabled_reason = reason
    shop_agent.save(update_fields=["enabled", "disabled_reason", "updated_at"])
    analytics.track_shop(
        shop, "agent_disabled", agent=agent_analytics_label(agent), custom=agent.is_custom, reason=reason
    )
    return shop_agent


@transaction.atomic
def shop_agent_update(*, shop: Shop, agent: Agent, display_name: str, instructions: str) -> ShopAgent:
    shop_agent, _ = ShopAgent.objects.get_or_create(shop=shop, agent=agent, defaults={"enabled": False})
    shop_agent.display_name = display_name.strip()
    shop_agent.instructions = instructions.strip()
    shop_agent.full_clean()
    shop_agent.save(update_fields=["display_name", "instructions", "updated_at"])
    return shop_agent


@transaction.atomic
def shop_agents_enforce_cap(*, shop: Shop) -> list[ShopAgent]:
    """After a downgrade: disable (never delete) the agents over the plan's cap, newest first.

    Returns the agents it disabled. Their settings stay, ready for an upgrade.
    """
    Shop.objects.lock(shop.pk)
    entitlements = shop_entitlements(shop=shop)
    if entitlements.max_agents is None:
        return []
    enabled = list(ShopAgent.objects.filter(shop=shop).enabled().select_related("agent").order_by("enabled_at", "pk"))
    over = enabled[entitlements.max_agents :]
    for shop_agent in over:
        shop_agent.enabled = False
        shop_agent.disabled_reason = PLAN_LIMIT
        shop_agent.save(update_fields=["enabled", "disabled_reason", "updated_at"])
        agent = shop_agent.agent
        analytics.track_shop(
            shop, "agent_disabled", agent=agent_analytics_label(agent), custom=agent.is_custom, reason=PLAN_LIMIT
        )
    return over


@transaction.atomic
def custom_agent_create(
    *, shop: Shop, name: str, role: str, description: str, system_prompt: str, icon: str = "agents"
) -> Agent:
    """A shop's own agent (Professional and up), enabled for that shop at once."""
    if not shop_entitlements(shop=shop).custom_agents:
        raise CustomAgentsNotIncluded("Custom agents come with the Professional plan and up.")
    agent = Agent(
        shop=shop,
        slug=unique_slug(Agent, f"{shop.slug} {name}", fallback="agent", max_length=60),
        name=name.strip(),
        role=role.strip(),
        description=description.strip(),
        system_prompt=system_prompt.strip(),
        icon=icon,
        sort_order=500,
    )
    agent.full_clean()
    agent.save()
    shop_agent_enable(shop=shop, agent=agent)
    return agent


# --- live status -----------------------------------------------------------------------------


def _announce(*, agent: Agent, status: str, at: dt.datetime, shop_id: int | None, shop_state: bool = False) -> None:
    """Once the current transaction commits, tell the apps above (the live layer) what is shown now."""
    data = {"agent": agent.slug, "status": str(status), "at": at.isoformat(), "shop_id": shop_id}
    data["shop_state"] = shop_state
    transaction.on_commit(lambda: agent_status_changed.send(sender=Agent, **data))


@transaction.atomic
def agent_status_set(*, agent: Agent, status: str) -> Agent:
    """Save the agent's status, then (after commit) tell every browser showing it."""
    if status not in Agent.Status.values:
        raise ValueError(f"Unknown status {status!r}.")
    agent.status = status
    agent.status_changed_at = timezone.now()
    agent.save(update_fields=["status", "status_changed_at", "updated_at"])
    # A custom agent is only ever shown to its own shop.
    _announce(agent=agent, status=agent.status, at=agent.status_changed_at, shop_id=agent.shop_id)
    return agent


@transaction.atomic
def agent_status_announce(*, agent: Agent) -> None:
    """For a status already saved elsewhere (the admin form): stamp it and announce it."""
    agent.status_changed_at = timezone.now()
    Agent.objects.filter(pk=agent.pk).update(status_changed_at=agent.status_changed_at)
    _announce(agent=agent, status=agent.status, at=agent.status_changed_at, shop_id=agent.shop_id)


def agent_busy_for_shop(*, shop_id: int, agent: Agent, busy: bool) -> None:
    """While an agent answers someone in a shop, only that shop's browsers see it as busy.

    ``agent`` needs only its id, slug and status (the caller's copy: no query here). ``busy=False``
    is checked against what the shop's agents are doing (``busy_agent_ids``): another answer by the
    same agent for the same shop may still be streaming.
    """
    busy = busy or agent.pk in busy_agent_ids(shop_id=shop_id)
    status = effective_status(agent=agent, busy=busy)
    _announce(agent=agent, status=status, at=timezone.now(), shop_id=shop_id, shop_state=True)
