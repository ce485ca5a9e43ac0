"""Reactions to signals from apps below agents. No business rules: each calls one service."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from agents.services import shop_agent_enable_default, shop_agents_enforce_cap
from billing.signals import plan_changed
from sixfb.models import Shop
from sixfb.signals import shop_created


@receiver(shop_created, sender=Shop, dispatch_uid="agents.enable_default_agent")
def enable_default_agent(*, shop: Shop, **kwargs: Any) -> None:
    shop_agent_enable_default(shop=shop)


@receiver(plan_changed, sender=Shop, dispatch_uid="agents.enforce_cap")
def enforce_agent_cap(*, shop: Shop, **kwargs: Any) -> None:
    """After a downgrade: the agents over the new cap are disabled (never deleted)."""
    shop_agents_enforce_cap(shop=shop)
