"""The one place that answers what a shop may do: its plan, limits, usage and billing period.

Agents and chat call ``shop_entitlements``; nothing else computes limits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from billing.models import Plan, ShopBilling
from sixfb.models import Shop


@dataclass(frozen=True)
class Entitlements:
    plan: Plan
    max_agents: int | None  # None: unlimited
    monthly_chats: int | None  # None: unlimited
    custom_agents: bool
    agents_enabled: int
    chats_used: int
    period_start: dt.datetime
    period_end: dt.datetime

    @property
    def agents_remaining(self) -> int | None:
        return None if self.max_agents is None else max(0, self.max_agents - self.agents_enabled)

    @property
    def can_enable_agent(self) -> bool:
        return self.max_agents is None or self.agents_enabled < self.max_agents

    @property
    def chats_remaining(self) -> int | None:
        return None if self.monthly_chats is None else max(0, self.monthly_chats - self.chats_used)


def free_plan() -> Plan:
    return Plan.objects.get(slug=Plan.FREE)


def calendar_month(*, shop: Shop, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The calendar month containing ``now``, in the shop's own time zone."""
    local = now.astimezone(shop.tzinfo)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def shop_entitlements(*, shop: Shop, now: dt.datetime | None = None) -> Entitlements:
    from agents.selectors import enabled_agent_count

    now = now or timezone.now()
    billing = ShopBilling.objects.filter(shop=shop).select_related("manual_plan").first()
    plan = billing.manual_plan if billing and billing.manual_plan_id else free_plan()
    max_agents, monthly_chats = plan.max_agents, plan.monthly_chats
    if plan.limits_set_per_shop and billing is not None:
        max_agents, monthly_chats = billing.max_agents_override, billing.monthly_chats_override
    start, end = calendar_month(shop=shop, now=now)
    return Entitlements(
        plan=plan,
        max_agents=max_agents,
        monthly_chats=monthly_chats,
        custom_agents=plan.custom_agents,
        agents_enabled=enabled_agent_count(shop=shop),
        # Chats are counted once the chat app stores them (the chat issue); none exist before.
        chats_used=0,
        period_start=start,
        period_end=end,
    )
