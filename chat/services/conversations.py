"""Starting, renaming and deleting conversations, and posting a message into one."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agents.selectors import get_agent_for_shop
from chat.models import Conversation, Message
from chat.services.admission import usable_shop_agent
from sixfb.models import Shop, User


def conversation_draft(*, user: User, shop: Shop | None, agent_slug: str) -> Conversation:
    """A conversation with the agent, not saved yet: the first question's ``chat_commit`` saves it,
    so a refused request leaves no empty conversation behind. 404 for an agent the shop can't see."""
    agent = get_agent_for_shop(shop=shop, slug=agent_slug)
    return Conversation(shop=shop, user=user, agent=agent)


@transaction.atomic
def conversation_start(*, user: User, shop: Shop | None, agent_slug: str) -> Conversation:
    conversation = conversation_draft(user=user, shop=shop, agent_slug=agent_slug)
    usable_shop_agent(user=user, shop=conversation.shop, agent=conversation.agent)  # the draft 404s without a shop
    conversation.save()
    return conversation


def conversation_rename(*, conversation: Conversation, title: str) -> Conversation:
    conversation.title = title.strip()[:120]
    conversation.save(update_fields=["title", "updated_at"])
    return conversation


def conversation_delete(*, conversation: Conversation) -> None:
    # Hidden, not erased: its replies still count toward this month's chats.
    conversation.deleted_at = timezone.now()
    conversation.save(update_fields=["deleted_at", "updated_at"])


@transaction.atomic
def message_post(*, conversation: Conversation, content: str) -> Message:
    """An assistant message no model wrote (e.g. what came of an approved action): complete, no tokens."""
    message = Message.objects.create(
        conversation=conversation,
        shop_id=conversation.shop_id,
        role=Message.Role.ASSISTANT,
        content=content,
        status=Message.Status.COMPLETE,
        finish_reason=Message.POSTED,
        prompt_tokens=0,
        completion_tokens=0,
        cost_usd=Decimal(0),
    )
    conversation.save(update_fields=["updated_at"])
    return message
