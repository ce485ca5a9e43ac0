"""The one place that answers what a shop's plan grants: its plan, limits and billing period.

Usage is counted by the app that owns what is counted, which composes it with these terms:
``agents.selectors.agent_allowance_for_shop`` (agents enabled against ``max_agents``) and
``chat.selectors.chat_usage_for_shop`` (chats against ``monthly_chats``). Billing sits below both
and imports neither; nothing else computes limits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
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
    """What the shop's plan grants and for which period, without counting usage."""

    plan: Plan
    max_agents: int | None  # None: unlimited
    monthly_chats: int | None  # None: unlimited
    custom_agents: bool
    period_start: dt.datetime
    period_end: dt.datetime
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
    the plan for ``STRIPE_GRACE_DAYS``; ``canceled`` keeps it until the subscription ended
    (``ended_at``: at once for an immediate cancellation).
    Otherwise the manual plan, else Free. Free and manual plans count by calendar month.
    """
    from billing.selectors import plan_for_price, shop_subscription_facts

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
            cancel_at = facts.cancel_at or (facts.ends_at if facts.status == "canceled" else None)
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
        period_start=start,
        period_end=end,
        source=source,
        status=status,
        grace_until=grace_until,
        cancel_at=cancel_at,
        subscription_id=subscription_id,
    )


# --- the chat allowance: the hot path of every chat message -------------------------------

ALLOWANCE_SECONDS = 60
_ALLOWANCE_VERSION_KEY = "billing:allowance:version"


@dataclass(frozen=True)
class ChatAllowance:
    """The part of the entitlements a chat message needs: how many chats, in which period."""

    plan_name: str
    monthly_chats: int | None
    period_start: dt.datetime
    period_end: dt.datetime


def _allowance_key(shop_id: int) -> str:
    return f"billing:allowance:{shop_id}"


def shop_chat_allowance(*, shop: Shop, now: dt.datetime | None = None) -> ChatAllowance:
    """``shop_entitlements``' chat terms, cached briefly (one cache round trip when warm).

    The entry is dropped when the shop, its billing row, a plan or a subscription is saved
    (``billing.receivers``), and never outlives the period, the grace or the cancellation it
    was computed under, so a change of plan counts at once and a lapse within a minute.
    """
    now = now or timezone.now()
    key = _allowance_key(shop.pk)
    cached = cache.get_many([key, _ALLOWANCE_VERSION_KEY])
    version = cached.get(_ALLOWANCE_VERSION_KEY, 0)
    entry = cached.get(key)
    if entry is not None and entry[0] == version and entry[1] > now:
        return entry[2]
    terms = shop_entitlements(shop=shop, now=now)
    allowance = ChatAllowance(
        plan_name=terms.plan.name,
        monthly_chats=terms.monthly_chats,
        period_start=terms.period_start,
        period_end=terms.period_end,
    )
    deadlines = [now + dt.timedelta(seconds=ALLOWANCE_SECONDS), terms.period_end]
    deadlines += [moment for moment in (terms.grace_until, terms.cancel_at) if moment is not None]
    valid_until = min(deadlines)
    if valid_until > now:
        cache.set(key, (version, valid_until, allowance), timeout=ALLOWANCE_SECONDS)
    return allowance


def allowance_forget(*, shop_id: int | None = None) -> None:
    """Drop one shop's cached allowance, or (``None``) every shop's, after a billing change."""
    if shop_id is not None:
        cache.delete(_allowance_key(shop_id))
        return
    try:
        cache.incr(_ALLOWANCE_VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates older entries
        cache.set(_ALLOWANCE_VERSION_KEY, int(timezone.now().timestamp()), timeout=None)
