"""Writes about billing that do not involve Stripe."""

from __future__ import annotations

from django.db import transaction

from agents.services import shop_agents_enforce_cap
from billing.models import Plan, ShopBilling
from sixfb.models import Shop


@transaction.atomic
def shop_plan_set_manually(
    *, shop: Shop, plan: Plan | None, max_agents: int | None = None, monthly_chats: int | None = None
) -> ShopBilling:
    """Put a shop on a plan by hand (admins; the no-Stripe default). Going down disables extra agents."""
    billing, _ = ShopBilling.objects.get_or_create(shop=shop)
    billing.manual_plan = plan
    billing.max_agents_override = max_agents
    billing.monthly_chats_override = monthly_chats
    billing.save()
    shop_agents_enforce_cap(shop=shop)
    return billing
