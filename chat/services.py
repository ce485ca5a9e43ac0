"""Writes about conversations: starting them, asking for a reply (with every check), saving answers."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agents.models import Agent, ShopAgent
from agents.selectors import get_agent_for_shop
from agents.services import agent_busy_for_shop
from chat import llm, prompt, tokens
from chat.models import Conversation, Message, ModelPrice
from chat.selectors import chat_usage_for_shop
from sixfb.lib import analytics
from sixfb.models import Shop, User

# A generation touches its row every second; one silent for this long died with its process.
STALE_AFTER = dt.timedelta(seconds=10)
TITLE_LENGTH = 60


class ChatError(Exception):
    """A refusal the person can act on; ``code`` is stable for clients."""

    def __init__(self, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def as_frame(self) -> dict[str, object]:
        return {"type": "error", "code": self.code, "message": self.message, **self.extra}


@dataclass(frozen=True)
class GenerationPlan:
    """Everything a generation needs, computed in one database round: no ORM during the stream."""

    message_id: int
    message_uuid: str
    conversation_id: int
    shop_id: int
    agent_id: int
    model: str
    temperature: float
    max_tokens: int
    messages: list[dict[str, str]] = field(repr=False)
    prompt_tokens: int = 0


def _usable_agent(*, shop: Shop, agent: Agent) -> ShopAgent:
    shop_agent = ShopAgent.objects.filter(shop=shop, agent=agent).select_related("agent").first()
    if shop_agent is None or not shop_agent.enabled:
        raise ChatError(
            "agent_unavailable", f"{agent.name} is not enabled for your shop. Enable it on the Agents page."
        )
    if not agent.is_available:
        raise ChatError("agent_unavailable", f"{agent.name} is {agent.get_status_display().lower()} right now.")
    return shop_agent


@transaction.atomic
def conversation_start(*, user: User, shop: Shop | None, agent_slug: str) -> Conversation:
    agent = get_agent_for_shop(shop=shop, slug=agent_slug)
    _usable_agent(shop=shop, agent=agent)
    return Conversation.objects.create(shop=shop, user=user, agent=agent)


def conversation_rename(*, conversation: Conversation, title: str) -> Conversation:
    conversation.title = title.strip()[:120]
    conversation.save(update_fields=["title", "updated_at"])
    return conversation


def conversation_delete(*, conversation: Conversation) -> None:
    # Hidden, not erased: its replies still count toward this month's chats.
    conversation.deleted_at = timezone.now()
    conversation.save(update_fields=["deleted_at", "updated_at"])


def messages_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Mark generations whose process died (no heartbeat) as errored, keeping the text they had."""
    now = now or timezone.now()
    return Message.objects.filter(status=Message.Status.STREAMING, updated_at__lt=now - STALE_AFTER).update(
        status=Message.Status.ERROR, error_code="interrupted", usage_estimated=True, updated_at=now
    )


def _check_rate_limit(user: User) -> None:
    limit = settings.CHAT_RATE_LIMIT_PER_MINUTE
    key = f"chat:rate:{user.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    if cache.incr(key) > limit:
        raise ChatError("rate_limited", f"You can send {limit} messages a minute. Please wait a moment.")


def _check_quota(shop: Shop) -> None:
    usage = chat_usage_for_shop(shop=shop)
    if usage.at_limit:
        raise ChatError(
            "quota_exceeded",
            f"Your {usage.plan} plan includes {usage.monthly_chats:,} chats a month and this month's are used. "
            "Upgrade for more.",
            url=reverse("pricing"),
        )


def _check_capacity(shop: Shop, conversation: Conversation) -> None:
    streaming = Message.objects.filter(shop=shop, status=Message.Status.STREAMING)
    if streaming.filter(conversation=conversation).exists():
        raise ChatError("generation_in_progress", "An answer is still being written. Stop it or wait for it to finish.")
    if streaming.count() >= settings.CHAT_MAX_CONCURRENT_PER_SHOP:
        raise ChatError("shop_busy", "Your shop has too many answers being written at once. Try again in a moment.")


def _lock_shop(shop: Shop) -> None:
    # Serialises requests per shop so the capacity and quota checks cannot both pass a last slot.
    Shop.objects.select_for_update().filter(pk=shop.pk).first()


def _plan_reply(*, conversation: Conversation, shop_agent: ShopAgent, history: list[Message]) -> GenerationPlan:
    agent = conversation.agent
    model = llm.DEMO_MODEL if llm.is_demo() else (agent.model or settings.OPENAI_MODEL)
    system = prompt.system_prompt(agent=agent, shop_agent=shop_agent, shop=conversation.shop)
    messages = prompt.build_messages(
        system=system, history=history, model=model, budget=settings.CHAT_PROMPT_TOKEN_BUDGET
    )
    try:
        reply = Message.objects.create(
            conversation=conversation,
            shop=conversation.shop,
            role=Message.Role.ASSISTANT,
            status=Message.Status.STREAMING,
            model=model,
        )
    except IntegrityError:  # the database's one-streaming-per-conversation rule
        raise ChatError("generation_in_progress", "An answer is still being written.") from None
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    return GenerationPlan(
        message_id=reply.pk,
        message_uuid=str(reply.uuid),
        conversation_id=conversation.pk,
        shop_id=conversation.shop_id,
        agent_id=agent.pk,
        model=model,
        temperature=float(agent.temperature),
        max_tokens=agent.max_output_tokens,
        messages=messages,
        prompt_tokens=tokens.count_messages(messages, model=model),
    )


def _checks(*, user: User, conversation: Conversation) -> ShopAgent:
    shop_agent = _usable_agent(shop=conversation.shop, agent=conversation.agent)
    _check_rate_limit(user)
    messages_fail_stale()
    _lock_shop(conversation.shop)
    _check_capacity(conversation.shop, conversation)
    _check_quota(conversation.shop)
    return shop_agent


def _validate_content(content: object) -> str:
    if not isinstance(content, str) or not content.strip():
        raise ChatError("empty_message", "Type a message first.")
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    if len(content) > limit:
        raise ChatError("message_too_long", f"Messages can be at most {limit:,} characters.")
    return content.strip()


@transaction.atomic
def chat_request(*, user: User, conversation: Conversation, content: object) -> tuple[Message, GenerationPlan]:
    """Save the user's message and a streaming reply, after every check; nothing is saved on refusal."""
    text = _validate_content(content)
    shop_agent = _checks(user=user, conversation=conversation)
    question = Message.objects.create(
        conversation=conversation, shop=conversation.shop, role=Message.Role.USER, content=text
    )
    if not conversation.title:
        conversation.title = " ".join(text.split())[:TITLE_LENGTH]
        conversation.save(update_fields=["title", "updated_at"])
    history = list(conversation.messages.visible().exclude(status=Message.Status.ERROR, content=""))
    plan = _plan_reply(conversation=conversation, shop_agent=shop_agent, history=history)
    analytics.track(user, "chat_message_sent", shop=conversation.shop, agent=conversation.agent.slug)
    return question, plan


@transaction.atomic
def chat_regenerate(*, user: User, conversation: Conversation) -> GenerationPlan:
    """Replace the last answer with a new one (it counts as a chat); the old one is kept for metering."""
    shop_agent = _checks(user=user, conversation=conversation)
    visible = list(conversation.messages.visible().order_by("created_at", "pk"))
    while visible and visible[-1].role == Message.Role.ASSISTANT:
        Message.objects.filter(pk=visible.pop().pk).update(superseded=True)
    if not visible:
        raise ChatError("nothing_to_regenerate", "There is no question to answer again yet.")
    history = [m for m in visible if m.content]
    plan = _plan_reply(conversation=conversation, shop_agent=shop_agent, history=history)
    analytics.track(user, "chat_message_sent", shop=conversation.shop, agent=conversation.agent.slug, regenerate=True)
    return plan


# --- while and after a generation runs (called from chat.streams) ---------------------------


def generation_announce(*, plan: GenerationPlan, busy: bool) -> None:
    agent = Agent.objects.get(pk=plan.agent_id)
    agent_busy_for_shop(shop=Shop.objects.get(pk=plan.shop_id), agent=agent, busy=busy)


def message_save_partial(*, message_id: int, content: str) -> None:
    """The heartbeat: saves the text so far and proves the generation is alive."""
    Message.objects.filter(pk=message_id, status=Message.Status.STREAMING).update(
        content=content, updated_at=timezone.now()
    )


def _cost(model: str, prompt_tokens: int, completion_tokens: int) -> Decimal | None:
    if model == llm.DEMO_MODEL:
        return Decimal(0)
    price = ModelPrice.objects.effective_for(model, on=timezone.now().date())
    return price.cost(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens) if price else None


@dataclass(frozen=True)
class Outcome:
    status: str
    content: str
    model: str
    finish_reason: str = ""
    error_code: str = ""
    usage: llm.Usage | None = None
    time_to_first_token_ms: int | None = None
    duration_ms: int | None = None


def message_finish(*, plan: GenerationPlan, outcome: Outcome) -> Message:
    """Save the final answer with its usage (exact from the usage chunk, else counted and estimated) and cost."""
    if outcome.usage is not None:
        prompt_tokens, completion_tokens, estimated = (
            outcome.usage.prompt_tokens,
            outcome.usage.completion_tokens,
            False,
        )
    else:
        prompt_tokens = plan.prompt_tokens
        completion_tokens = tokens.count_text(outcome.content, model=plan.model)
        estimated = True
    message = Message.objects.get(pk=plan.message_id)
    if message.status != Message.Status.STREAMING:
        return message  # already finished elsewhere (a recovery sweep): keep what it wrote
    message.content = outcome.content
    message.status = outcome.status
    message.model = outcome.model or plan.model
    message.finish_reason = outcome.finish_reason
    message.error_code = outcome.error_code
    message.prompt_tokens = prompt_tokens
    message.completion_tokens = completion_tokens
    message.usage_estimated = estimated
    message.cost_usd = _cost(message.model, prompt_tokens, completion_tokens)
    message.time_to_first_token_ms = outcome.time_to_first_token_ms
    message.duration_ms = outcome.duration_ms
    message.save()
    return message


def request_stop(*, message: Message) -> None:
    """For a generation running in another server process: it checks this flag on its heartbeat."""
    cache.set(stop_key(message.pk), True, timeout=300)


def stop_key(message_id: int) -> str:
    return f"chat:stop:{int(message_id)}"


def stop_requested(*, message_id: int) -> bool:
    return bool(cache.get(stop_key(message_id)))


@transaction.atomic
def chat_request_api(
    *, user: User, shop: Shop | None, agent_slug: str, conversation: Conversation | None, content: object
) -> tuple[Conversation, GenerationPlan]:
    """The HTTP API's one call: continue ``conversation`` or start one with the agent, then ask.

    All or nothing: a refused request leaves no empty conversation behind.
    """
    if conversation is None:
        conversation = conversation_start(user=user, shop=shop, agent_slug=agent_slug)
    _question, plan = chat_request(user=user, conversation=conversation, content=content)
    return conversation, plan
