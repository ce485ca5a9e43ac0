"""The one place that answers what a shop may do: its plan, limits, usage and billing period.

Agents and chat call ``shop_entitlements``; nothing else computes limits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from billing.models import Plan, ShopBilling
from billing.subscriptions import grace_end, grants_plan
from sixfb.models import Shop

# Where the plan came from.
SOURCE_FREE = "free"
SOURCE_MANUAL = "manual"
SOURCE_STRIPE = "stripe"


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
    # Added with Stripe billing; defaults keep older callers working.
    source: str = SOURCE_FREE
    status: str = "active"  # the Stripe subscription's status, or "active" for Free and manual plans
    grace_until: dt.datetime | None = None  # past_due: the plan lasts until then
    cancel_at: dt.datetime | None = None  # the paid plan ends then (canceled, or set to cancel)
    subscription_id: str = ""

    @property
    def renews_at(self) -> dt.datetime | None:
        if self.source != SOURCE_STRIPE or self.cancel_at is not None or self.status not in {"active", "trialing"}:
            return None
        return self.period_end

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
    """The shop's plan and limits at ``now``.

    A Stripe subscription that grants its plan wins over a plan set by hand; ``past_due`` keeps
    the plan for ``STRIPE_GRACE_DAYS``; ``canceled`` keeps it to the end of the paid period.
    Otherwise the manual plan, else Free. Free and manual plans count by calendar month.
    """
    from agents.selectors import enabled_agent_count
    from billing.selectors import plan_for_price, shop_subscription_facts
    from chat.selectors import chats_used

    now = now or timezone.now()
    billing = ShopBilling.objects.filter(shop=shop).select_related("manual_plan").first()
    plan: Plan | None = None
    source, status = SOURCE_FREE, "active"
    grace_until = cancel_at = None
    subscription_id = ""
    start, end = calendar_month(shop=shop, now=now)

    facts = shop_subscription_facts(shop=shop)
    if facts is not None:
        grace_until = grace_end(
            facts, past_due_since=billing.past_due_since if billing else None, grace_days=settings.STRIPE_GRACE_DAYS
        )
        subscribed_plan = plan_for_price(price_id=facts.price_id, lookup_key=facts.lookup_key)
        if subscribed_plan is not None and grants_plan(facts, now=now, grace_until=grace_until):
            plan, source, status, subscription_id = subscribed_plan, SOURCE_STRIPE, facts.status, facts.id
            cancel_at = facts.cancel_at or (facts.period_end if facts.status == "canceled" else None)
            if facts.cancel_at_period_end and cancel_at is None:
                cancel_at = facts.period_end
            if facts.period_start and facts.period_end:
                start, end = facts.period_start, facts.period_end
        else:
            grace_until = None
    if plan is None and billing is not None and billing.manual_plan_id:
        plan, source = billing.manual_plan, SOURCE_MANUAL
    if plan is None:
        plan = free_plan()

    max_agents, monthly_chats = plan.max_agents, plan.monthly_chats
    if plan.limits_set_per_shop and billing is not None:
        max_agents, monthly_chats = billing.max_agents_override, billing.monthly_chats_override
    return Entitlements(
        plan=plan,
        max_agents=max_agents,
        monthly_chats=monthly_chats,
        custom_agents=plan.custom_agents,
        agents_enabled=enabled_agent_count(shop=shop),
        chats_used=chats_used(shop=shop, start=start, end=end),
        period_start=start,
        period_end=end,
        source=source,
        status=status,
        grace_until=grace_until,
        cancel_at=cancel_at,
        subscription_id=subscription_id,
    )
