"""Account and agent events → the shop's staff: the welcome, and agents going out of (or back into)
service for the shops that work with them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from agents.models import Agent, ShopAgent
from notifications.models import Notification
from notifications.services.notify import notify
from notifications.triggers import recipients
from sixfb.models import Shop, User

# What staff hear of: an agent they use stops answering, and when it is back. Busy is not news.
OUT_OF_SERVICE = (Agent.Status.PAUSED, Agent.Status.MAINTENANCE, Agent.Status.RETIRED)


def on_shop_created(*, shop: Shop, owner: User) -> None:
    notify(shop=shop, kind="welcome", user=owner, dedupe_key="welcome", payload={})


def agent_status_is_news(*, agent_slug: str, status: str, at: str) -> bool:
    """A real change of the agent's own status (not a shop's busy state, which comes with the
    time of the answer, not the agent's ``status_changed_at``), to or from out of service."""
    if status not in OUT_OF_SERVICE and status != Agent.Status.ACTIVE:
        return False
    stamped = Agent.objects.filter(slug=agent_slug).values_list("status_changed_at", flat=True).first()
    return stamped is not None and stamped == dt.datetime.fromisoformat(at)


def on_agent_status(*, agent_slug: str, status: str, at: str) -> int:
    """``agent_status`` in-app to the staff of every shop with the agent enabled; "active" only to
    shops that heard it went out of service. Returns how many notifications were made."""
    agent = Agent.objects.filter(slug=agent_slug).first()
    if agent is None:
        return 0
    made = 0
    for shop_agent in ShopAgent.objects.filter(agent=agent, enabled=True).select_related("shop"):
        shop = shop_agent.shop
        if status == Agent.Status.ACTIVE:
            last = (
                Notification.objects.filter(shop=shop, kind="agent_status", payload__agent_slug=agent.slug)
                .order_by("-created_at")
                .first()
            )
            if last is None or last.payload.get("status") == Agent.Status.ACTIVE:
                continue
        payload = {
            "agent": shop_agent.display_name or agent.name,
            "agent_slug": agent.slug,
            "status": status,
            "status_label": Agent.Status(status).label,
        }
        with transaction.atomic():
            for user in recipients.everyone(shop):
                key = f"agent_status:{agent.slug}:{status}:{at}"
                note = notify(shop=shop, kind="agent_status", user=user, dedupe_key=key, payload=payload)
                made += note is not None
    return made
