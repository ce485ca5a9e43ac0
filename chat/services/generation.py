"""While and after an answer is written (called from chat.streams): the busy announcement, the
heartbeat, a stop asked for from another process, and the final save with usage and cost."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone

from agents.models import Agent
from agents.services import agent_analytics_label, agent_busy_for_shop
from chat import llm, queries, tokens
from chat.models import Conversation, Message
from chat.services import metering
from chat.services.admission import STALE_AFTER
from chat.services.asking import GenerationPlan
from sixfb.lib import analytics

logger = logging.getLogger(__name__)


def generation_announce(*, plan: GenerationPlan, busy: bool) -> None:
    """The shop's agent is busy (from the agent as the checks read it: no query), or idle again
    (its status read afresh: an admin may have paused it while it answered)."""
    if busy:
        agent = Agent(pk=plan.agent_id, slug=plan.agent_slug, status=plan.agent_status)
    else:
        agent = Agent.objects.only("slug", "status").get(pk=plan.agent_id)
    agent_busy_for_shop(shop_id=plan.shop_id, agent=agent, busy=busy)


def message_heartbeat(*, message_id: int, content: str) -> bool:
    """Save the text so far, which also proves the generation alive; True if a stop was asked for
    (by a socket on another server process: ``request_stop``)."""
    now = timezone.now()
    queries.streaming_message_update(
        message_id=message_id, content=content, updated_at=now, lease_expires_at=now + STALE_AFTER
    )
    return stop_requested(message_id=message_id)


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
    """Save the final answer with its usage (exact from the usage chunk, else counted and estimated) and cost.

    It wins over a stale sweep that raced it. If the full save fails, the text and status are saved
    without usage or cost: what the person was shown is never lost for a bad figure.
    """
    content = llm.clean_text(outcome.content)
    if outcome.usage is not None:
        prompt_tokens, completion_tokens, estimated = (
            outcome.usage.prompt_tokens,
            outcome.usage.completion_tokens,
            False,
        )
    else:
        prompt_tokens = plan.prompt_tokens
        completion_tokens = tokens.count_text(content, model=plan.model)
        estimated = True
    model = (llm.clean_text(outcome.model) or plan.model)[: llm.MODEL_NAME_LENGTH]
    essentials = {
        "content": content,
        "status": outcome.status,
        "error_code": outcome.error_code[:40],
        "lease_expires_at": None,
        "updated_at": timezone.now(),
    }
    values: dict[str, object] = {
        **essentials,
        "model": model,
        "finish_reason": llm.clean_text(outcome.finish_reason)[: llm.FINISH_REASON_LENGTH],
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "usage_estimated": estimated,
        "time_to_first_token_ms": outcome.time_to_first_token_ms,
        "duration_ms": outcome.duration_ms,
    }
    try:
        values["cost_usd"] = _fitting_cost(
            metering.answer_cost(model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        )
        with transaction.atomic():
            updated = Message.objects.filter(pk=plan.message_id).update(**values)
    except (DataError, IntegrityError, ArithmeticError, ValueError):  # a value the database refuses
        logger.exception("saving the usage of answer %s failed; saving its text without it", plan.message_uuid)
        values = {**essentials, "model": plan.model, "usage_estimated": True}
        updated = Message.objects.filter(pk=plan.message_id).update(**values)
    if not updated:  # deleted meanwhile (its shop or conversation went): nothing to keep
        raise Message.DoesNotExist(plan.message_uuid)
    if outcome.status == Message.Status.ERROR and not content and plan.usage_key:
        metering.usage_count_move(key=plan.usage_key, step=-1)  # failed before any text: not a chat
    if outcome.status == Message.Status.STOPPED:
        _track_stopped(plan)
    return Message(
        pk=plan.message_id,
        uuid=plan.message_uuid,
        conversation_id=plan.conversation_id,
        shop_id=plan.shop_id,
        role=Message.Role.ASSISTANT,
        **values,
    )


def _track_stopped(plan: GenerationPlan) -> None:
    """A stopped answer, for the person whose conversation it is (conversations are private)."""
    if not analytics.is_enabled():
        return
    conversation = Conversation.objects.select_related("user", "shop", "agent").filter(pk=plan.conversation_id).first()
    if conversation is not None:
        agent = agent_analytics_label(conversation.agent)
        analytics.track(conversation.user, "chat_message_stopped", shop=conversation.shop, agent=agent)


def _fitting_cost(cost: Decimal | None) -> Decimal | None:
    """The cost, if its column can hold it; else ValueError. PostgreSQL refuses such a value itself,
    but SQLite stores it, and every later read of the row then fails."""
    field = Message._meta.get_field("cost_usd")
    assert isinstance(field, models.DecimalField)
    if cost is not None and abs(cost) >= Decimal(10) ** (field.max_digits - field.decimal_places):
        raise ValueError(f"a cost of {cost} does not fit the cost column")
    return cost


def request_stop(*, message: Message) -> None:
    """For a generation running in another server process: it checks this flag on its heartbeat."""
    cache.set(_stop_key(message.pk), True, timeout=300)


def _stop_key(message_id: int) -> str:
    return f"chat:stop:{int(message_id)}"


def stop_requested(*, message_id: int) -> bool:
    return bool(cache.get(_stop_key(message_id)))
