"""Reads about conversations, always for the person who owns them: anyone else gets a 404."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404

from billing.entitlements import shop_chat_allowance, shop_entitlements
from chat.models import Conversation, Message
from sixfb.models import Membership, Shop, User


def conversations_for_user(*, user: object, search: str = "") -> QuerySet[Conversation]:
    conversations = Conversation.objects.for_user(user).select_related("agent")
    search = search.strip()
    if search:
        conversations = conversations.filter(
            Q(title__icontains=search) | Q(messages__content__icontains=search, messages__superseded=False)
        ).distinct()
    return conversations


def get_conversation_for_user(*, user: object, conversation_uuid: uuid_lib.UUID | str) -> Conversation:
    try:
        key = uuid_lib.UUID(str(conversation_uuid))
    except ValueError:
        raise Http404("No such conversation.") from None
    conversation = Conversation.objects.for_user(user).select_related("agent", "shop").filter(uuid=key).first()
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def is_member(*, user: User, shop_id: int) -> bool:
    return Membership.objects.filter(user=user, shop_id=shop_id).exists()


def conversation_messages(*, conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.visible().order_by("created_at", "pk")


def streaming_message(*, conversation: Conversation) -> Message | None:
    return conversation.messages.filter(status=Message.Status.STREAMING).first()


def chats_used(*, shop: Shop, start: dt.datetime, end: dt.datetime) -> int:
    """Chats in [start, end): one per user message that asked for an AI reply; a regenerate counts.

    Every reply attempt is a row (regenerated answers are kept, marked superseded), so this counts
    assistant messages, except attempts that failed before producing any text. Also the billing
    page's "chats" meter (registered in ``ChatConfig.ready``).
    """
    return Message.objects.chats().filter(shop=shop, created_at__gte=start, created_at__lt=end).count()


@dataclass(frozen=True)
class ChatUsage:
    plan: str
    monthly_chats: int | None
    chats_used: int
    period_start: dt.datetime
    period_end: dt.datetime

    @property
    def chats_remaining(self) -> int | None:
        return None if self.monthly_chats is None else max(0, self.monthly_chats - self.chats_used)

    @property
    def at_limit(self) -> bool:
        return self.monthly_chats is not None and self.chats_used >= self.monthly_chats


def chat_usage_for_shop(*, shop: Shop) -> ChatUsage:
    """The plan's chat terms (billing) with the chats this shop used in the period (counted here)."""
    entitlements = shop_entitlements(shop=shop)
    return ChatUsage(
        plan=entitlements.plan.name,
        monthly_chats=entitlements.monthly_chats,
        chats_used=chats_used(shop=shop, start=entitlements.period_start, end=entitlements.period_end),
        period_start=entitlements.period_start,
        period_end=entitlements.period_end,
    )


def chat_quota(*, shop_id: int, counted: tuple[str, int] | None = None) -> dict[str, int | None] | None:
    """The `end` frame's `quota`: the shop's chats this period after the answer, so the page shows
    the server's figure instead of doing its own arithmetic. ``counted`` is what admitting the
    answer read (the cache key of the shop's count, kept under its lock, and the plan's limit):
    while the cache holds that count, no query. Else counted in the database, as the usage API does."""
    if counted is not None:
        key, kept_limit = counted
        kept = cache.get(key)
        if isinstance(kept, int):
            return {"chats_used": kept, "monthly_chats": kept_limit, "chats_remaining": max(0, kept_limit - kept)}
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:  # deleted while the answer was written
        return None
    allowance = shop_chat_allowance(shop=shop)
    used = chats_used(shop=shop, start=allowance.period_start, end=allowance.period_end)
    limit = allowance.monthly_chats
    remaining = None if limit is None else max(0, limit - used)
    return {"chats_used": used, "monthly_chats": limit, "chats_remaining": remaining}


def agents_answering(*, shop_id: int) -> set[int]:
    """The agents writing an answer for someone in this shop right now (the database is the truth):
    the agents' busy state (registered with ``agents.selectors`` in ``ChatConfig.ready``)."""
    streaming = Message.objects.filter(shop_id=shop_id, status=Message.Status.STREAMING)
    return set(streaming.values_list("conversation__agent_id", flat=True))
