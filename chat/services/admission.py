"""Whether a reply may be written now: the agent, the person, the rate, the shop's capacity and quota."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agents.models import Agent, ShopAgent
from billing.entitlements import shop_chat_allowance
from chat import queries
from chat.errors import NOT_A_MEMBER, ChatError
from chat.models import Conversation, Message
from chat.services import metering
from sixfb.models import Shop, User


@dataclass(frozen=True)
class Admitted:
    """What the checks read, for the reply they admit: the cache key of the shop's chat count
    (moved on when the reply is inserted), the count before it, and the plan's limit (None: none)."""

    usage_key: str
    chats_used: int | None
    monthly_chats: int | None


# A generation renews its row's lease every second; one not renewed for this long died with its process.
STALE_AFTER = dt.timedelta(seconds=10)


def usable_shop_agent(*, user: User, shop: Shop, agent: Agent) -> ShopAgent:
    """The shop's agent, if it may answer ``user`` now; else a ChatError saying why."""
    # Read afresh, with the shop and the membership: a socket opened before an admin paused the
    # agent, before the owner changed the shop's hours, or before its person left the shop, must
    # see the change.
    shop_agent, is_member = queries.shop_agent_for_reply(shop_id=shop.pk, agent_id=agent.pk, user_id=user.pk)
    if shop_agent is not None and not is_member:
        raise ChatError("not_a_member", NOT_A_MEMBER)
    if shop_agent is None or not shop_agent.enabled:
        raise ChatError(
            "agent_unavailable", f"{agent.name} is not enabled for your shop. Enable it on the Agents page."
        )
    if not shop_agent.agent.is_available:
        agent = shop_agent.agent
        raise ChatError("agent_unavailable", f"{agent.name} is {agent.get_status_display().lower()} right now.")
    return shop_agent


def rate_limit_check(*, user: User) -> None:
    limit = settings.CHAT_RATE_LIMIT_PER_MINUTE
    key = f"chat:rate:{user.pk}:{int(time.time() // 60)}"
    try:
        count = cache.incr(key)
    except ValueError:  # the minute's first message (one round trip in the common case)
        cache.add(key, 0, timeout=90)
        try:
            count = cache.incr(key)
        except ValueError:  # the cache is unreachable: no limit rather than no chat
            return
    if count > limit:
        raise ChatError("rate_limited", f"You can send {limit} messages a minute. Please wait a moment.")


def messages_fail_stale(*, now: dt.datetime | None = None, shop: Shop | None = None) -> int:
    """Mark generations whose process died (their lease ran out) as errored, keeping the text they had.

    A live generation renews its lease every second, through failed beats too; if it is swept all
    the same (its database was unreachable for longer than the lease), its final save still wins.
    """
    now = now or timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, updated_at__lt=now - STALE_AFTER)
    stale = Message.objects.filter(expired, status=Message.Status.STREAMING)
    if shop is not None:
        stale = stale.filter(shop=shop)
    return stale.update(status=Message.Status.ERROR, error_code="interrupted", usage_estimated=True, updated_at=now)


def shop_admit(*, shop: Shop, conversation: Conversation) -> Admitted:
    """One generation per conversation, a cap per shop, and the month's quota; call inside a transaction.

    The shop row is locked so two requests cannot both take a last slot; under the lock run a
    count of the shop's streaming answers, the caller's inserts, and (when a slot looks taken) a
    sweep of answers whose process died. Returns what was read (``Admitted``): the caller moves
    the shop's cached chat count on when it inserts a reply.
    """
    Shop.objects.lock(shop.pk)
    return admission_check(shop=shop, conversation=conversation, locked=True)


def admission_check(*, shop: Shop, conversation: Conversation, locked: bool = False) -> Admitted:
    """The checks of ``shop_admit``; without the lock, a first look that a race can still overturn."""
    limit = settings.CHAT_MAX_CONCURRENT_PER_SHOP
    streaming, here = queries.streaming_counts(shop_id=shop.pk, conversation_id=conversation.pk)
    if (here or streaming >= limit) and messages_fail_stale(shop=shop):
        # Answers left streaming by a dead process held those slots: count again.
        streaming, here = queries.streaming_counts(shop_id=shop.pk, conversation_id=conversation.pk)
    if here:
        raise ChatError("generation_in_progress", "An answer is still being written. Stop it or wait for it to finish.")
    if streaming >= limit:
        raise ChatError("shop_busy", "Your shop has too many answers being written at once. Try again in a moment.")
    allowance = shop_chat_allowance(shop=shop)
    monthly = allowance.monthly_chats
    used = None if monthly is None else metering.usage_count(shop=shop, allowance=allowance, locked=locked)
    if monthly is not None and used is not None and used >= monthly:
        raise ChatError(
            "quota_exceeded",
            f"Your {allowance.plan_name} plan includes {allowance.monthly_chats:,} chats a month and this month's "
            "are used. Upgrade for more.",
            url=reverse("pricing"),
        )
    return Admitted(metering.usage_key(shop=shop, allowance=allowance), used, allowance.monthly_chats)
