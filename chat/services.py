"""Writes about conversations: starting them, asking for a reply (with every check), saving answers."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agents.models import Agent, ShopAgent
from agents.selectors import get_agent_for_shop
from agents.services import agent_busy_for_shop
from billing.entitlements import ChatAllowance, shop_chat_allowance
from chat import llm, prompt, queries, tokens
from chat.models import Conversation, Message, ModelPrice
from chat.prompt import Turn
from chat.selectors import chats_used
from sixfb.errors import AppError
from sixfb.lib import analytics
from sixfb.models import Shop, User

logger = logging.getLogger(__name__)

# A generation renews its row's lease every second; one not renewed for this long died with its process.
STALE_AFTER = dt.timedelta(seconds=10)
TITLE_LENGTH = 60
# The newest messages read for a prompt; the token budget (CHAT_PROMPT_TOKEN_BUDGET) trims further.
HISTORY_LIMIT = 40


class ChatError(AppError):
    """A refusal the person can act on; ``code`` is stable for clients, its HTTP status from ``STATUS_FOR``."""

    STATUS_FOR = {
        "not_a_member": 403,
        "quota_exceeded": 402,
        "agent_unavailable": 409,
        "generation_in_progress": 409,
        "shop_busy": 429,
        "rate_limited": 429,
    }  # any other code (empty_message, message_too_long, invalid_characters, ...) is bad input: 400

    def __init__(self, code: str, message: str, **extra: object) -> None:
        super().__init__(code, message, status=self.STATUS_FOR.get(code, 400), **extra)


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
    usage_key: str = ""  # the shop's cached chat count, moved back if the reply fails before any text


NOT_A_MEMBER = "You are no longer a member of this shop."


def _usable_agent(*, user: User, shop: Shop, agent: Agent) -> ShopAgent:
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


@transaction.atomic
def conversation_start(*, user: User, shop: Shop | None, agent_slug: str) -> Conversation:
    agent = get_agent_for_shop(shop=shop, slug=agent_slug)
    _usable_agent(user=user, shop=shop, agent=agent)
    return Conversation.objects.create(shop=shop, user=user, agent=agent)


def conversation_rename(*, conversation: Conversation, title: str) -> Conversation:
    conversation.title = title.strip()[:120]
    conversation.save(update_fields=["title", "updated_at"])
    return conversation


def conversation_delete(*, conversation: Conversation) -> None:
    # Hidden, not erased: its replies still count toward this month's chats.
    conversation.deleted_at = timezone.now()
    conversation.save(update_fields=["deleted_at", "updated_at"])


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


def _check_rate_limit(user: User) -> None:
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


# This period's chat count per shop is read from the database at most this often; in between it
# lives in the cache and moves by one per reply, under the shop's lock. An error leaves it too
# high (never too low) until the next count.
USAGE_RECOUNT_SECONDS = 300


def _usage_key(shop: Shop, allowance: ChatAllowance) -> str:
    return f"chat:used:{shop.pk}:{int(allowance.period_start.timestamp())}"


def _chats_used(shop: Shop, allowance: ChatAllowance, *, locked: bool) -> int:
    key = _usage_key(shop, allowance)
    used = cache.get(key)
    if used is None:
        used = chats_used(shop=shop, start=allowance.period_start, end=allowance.period_end)
        if locked:  # a count taken without the lock could miss a reply being saved: not kept
            cache.set(key, used, timeout=USAGE_RECOUNT_SECONDS)
    return used


def _count_chat(usage_key: str, step: int) -> None:
    # Not cached (expired or evicted): the next request counts in the database.
    with contextlib.suppress(ValueError):
        cache.incr(usage_key, step)


def _admit(*, shop: Shop, conversation: Conversation) -> str:
    """One generation per conversation, a cap per shop, and the month's quota; call inside a transaction.

    The shop row is locked so two requests cannot both take a last slot; under the lock run a
    count of the shop's streaming answers, the caller's inserts, and (when a slot looks taken) a
    sweep of answers whose process died. Returns the cache key of the shop's chat count, which
    the caller moves on when it inserts a reply.
    """
    queries.lock_shop(shop_id=shop.pk)
    return _check_admission(shop=shop, conversation=conversation, locked=True)


def _check_admission(*, shop: Shop, conversation: Conversation, locked: bool = False) -> str:
    """The checks of ``_admit``; without the lock, a first look that a race can still overturn."""

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
    if allowance.monthly_chats is not None and _chats_used(shop, allowance, locked=locked) >= allowance.monthly_chats:
        raise ChatError(
            "quota_exceeded",
            f"Your {allowance.plan_name} plan includes {allowance.monthly_chats:,} chats a month and this month's "
            "are used. Upgrade for more.",
            url=reverse("pricing"),
        )
    return _usage_key(shop, allowance)


def _history(conversation: Conversation) -> list[Turn]:
    """The newest visible turns, oldest first; the prompt's token budget trims them further. A row
    far over the budget (a runaway answer) is left out rather than sent or counted each time."""
    max_chars = max(settings.CHAT_MAX_MESSAGE_CHARS, 4 * settings.CHAT_PROMPT_TOKEN_BUDGET)
    return queries.recent_turns(conversation_id=conversation.pk, limit=HISTORY_LIMIT, max_chars=max_chars)


@dataclass(frozen=True)
class _Draft:
    conversation: Conversation
    agent: Agent
    model: str
    messages: list[dict[str, str]]
    prompt_tokens: int


def _draft_reply(*, conversation: Conversation, shop_agent: ShopAgent, history: list[Turn]) -> _Draft:
    """The prompt for the next reply: no writes."""
    agent = shop_agent.agent
    model = llm.DEMO_MODEL if llm.is_demo() else (agent.model or settings.OPENAI_MODEL)
    system = prompt.system_prompt(agent=agent, shop_agent=shop_agent, shop=shop_agent.shop)
    messages, prompt_tokens = prompt.build_messages(
        system=system, history=history, model=model, budget=settings.CHAT_PROMPT_TOKEN_BUDGET
    )
    return _Draft(conversation, agent, model, messages, prompt_tokens)


def _insert_reply(draft: _Draft, *, usage_key: str, question: Message | None = None) -> GenerationPlan:
    """Insert the streaming reply (with the question, when there is one): call after ``_admit``."""
    conversation = draft.conversation
    reply = Message(
        conversation=conversation,
        shop=conversation.shop,
        role=Message.Role.ASSISTANT,
        status=Message.Status.STREAMING,
        model=draft.model,
        lease_expires_at=timezone.now() + STALE_AFTER,
    )
    try:
        Message.objects.bulk_create([m for m in (question, reply) if m is not None])
    except IntegrityError:  # the database's one-streaming-per-conversation rule; the transaction is rolled back
        raise ChatError("generation_in_progress", "An answer is still being written.") from None
    _count_chat(usage_key, 1)
    return GenerationPlan(
        message_id=reply.pk,
        message_uuid=str(reply.uuid),
        conversation_id=conversation.pk,
        shop_id=conversation.shop_id,
        agent_id=draft.agent.pk,
        model=draft.model,
        temperature=float(draft.agent.temperature),
        max_tokens=draft.agent.max_output_tokens,
        messages=draft.messages,
        prompt_tokens=draft.prompt_tokens,
        usage_key=usage_key,
    )


def _validate_content(content: object) -> str:
    if not isinstance(content, str) or not content.strip():
        raise ChatError("empty_message", "Type a message first.")
    limit = settings.CHAT_MAX_MESSAGE_CHARS
    if len(content) > limit:
        raise ChatError("message_too_long", f"Messages can be at most {limit:,} characters.")
    if llm.clean_text(content) != content:  # NUL or a lone surrogate: no database or model takes them
        raise ChatError("invalid_characters", "The message holds characters that cannot be sent.")
    return content.strip()


@dataclass(frozen=True)
class PreparedRequest:
    """A question that passed every check, with its prompt; nothing is saved yet (``chat_commit``)."""

    user: User
    conversation: Conversation
    shop_agent: ShopAgent
    question: Message
    draft: _Draft

    # What the model is asked: enough to start the upstream request before anything is saved.
    @property
    def messages(self) -> list[dict[str, str]]:
        return self.draft.messages

    @property
    def model(self) -> str:
        return self.draft.model

    @property
    def temperature(self) -> float:
        return float(self.draft.agent.temperature)

    @property
    def max_tokens(self) -> int:
        return self.draft.agent.max_output_tokens


def chat_prepare(*, user: User, conversation: Conversation, content: object, precheck: bool = True) -> PreparedRequest:
    """Every check and the prompt, without writing: the model can be asked while ``chat_commit`` saves.

    ``precheck`` also runs the capacity and quota checks without the shop's lock, so a shop at its
    limit is refused before anything goes upstream; ``chat_commit`` checks again under the lock.
    """
    text = _validate_content(content)
    shop_agent = _usable_agent(user=user, shop=conversation.shop, agent=conversation.agent)
    _check_rate_limit(user)
    if precheck:
        _check_admission(shop=conversation.shop, conversation=conversation)
    question = Message(conversation=conversation, shop=conversation.shop, role=Message.Role.USER, content=text)
    history = [*_history(conversation), Turn(None, question.role, question.content)]
    draft = _draft_reply(conversation=conversation, shop_agent=shop_agent, history=history)
    return PreparedRequest(user, conversation, shop_agent, question, draft)


def chat_commit(prepared: PreparedRequest) -> tuple[Message, GenerationPlan]:
    """Save the question and a streaming reply under the shop's lock, after checking again."""
    conversation, question = prepared.conversation, prepared.question
    with transaction.atomic():
        usage_key = _admit(shop=conversation.shop, conversation=conversation)
        plan = _insert_reply(prepared.draft, usage_key=usage_key, question=question)
        changes: dict[str, object] = {"updated_at": timezone.now()}
        if not conversation.title:
            conversation.title = changes["title"] = " ".join(question.content.split())[:TITLE_LENGTH]
        queries.conversation_update(conversation_id=conversation.pk, **changes)
        analytics.track(
            prepared.user, "chat_message_sent", shop=conversation.shop, agent=prepared.shop_agent.agent.slug
        )
    return question, plan


def chat_request(*, user: User, conversation: Conversation, content: object) -> tuple[Message, GenerationPlan]:
    """Save the user's message and a streaming reply, after every check; nothing is saved on refusal."""
    return chat_commit(chat_prepare(user=user, conversation=conversation, content=content, precheck=False))


@transaction.atomic
def chat_regenerate(*, user: User, conversation: Conversation) -> GenerationPlan:
    """Replace the last answer with a new one (it counts as a chat); the old one is kept for metering."""
    shop_agent = _usable_agent(user=user, shop=conversation.shop, agent=conversation.agent)
    _check_rate_limit(user)
    usage_key = _admit(shop=conversation.shop, conversation=conversation)
    visible = _history(conversation)
    superseded = []
    while visible and visible[-1].role == Message.Role.ASSISTANT:
        superseded.append(visible.pop().pk)
    if not visible:
        raise ChatError("nothing_to_regenerate", "There is no question to answer again yet.")
    # Answers that failed before any text are not in the history; they are replaced as well.
    conversation.messages.filter(role=Message.Role.ASSISTANT, superseded=False).filter(
        Q(pk__in=superseded) | Q(pk__gt=visible[-1].pk)
    ).update(superseded=True)
    plan = _insert_reply(
        _draft_reply(conversation=conversation, shop_agent=shop_agent, history=visible), usage_key=usage_key
    )
    queries.conversation_update(conversation_id=conversation.pk, updated_at=timezone.now())
    analytics.track(user, "chat_message_sent", shop=conversation.shop, agent=shop_agent.agent.slug, regenerate=True)
    return plan


# --- while and after a generation runs (called from chat.streams) ---------------------------


def generation_announce(*, plan: GenerationPlan, busy: bool) -> None:
    agent = Agent.objects.get(pk=plan.agent_id)
    agent_busy_for_shop(shop=Shop.objects.get(pk=plan.shop_id), agent=agent, busy=busy)


def message_heartbeat(*, message_id: int, content: str) -> bool:
    """Save the text so far, which also proves the generation alive; True if a stop was asked for
    (by a socket on another server process: ``request_stop``)."""
    now = timezone.now()
    queries.streaming_message_update(
        message_id=message_id, content=content, updated_at=now, lease_expires_at=now + STALE_AFTER
    )
    return stop_requested(message_id=message_id)


# Prices are looked up per (model, day) and cached for a minute: an admin's edit applies within it.
PRICE_CACHE_SECONDS = 60
_NO_PRICE = "none"


def _price(model: str, on: dt.date) -> ModelPrice | None:
    # Hashed: the model name comes from the upstream server and may hold anything.
    key = f"chat:price:{on.isoformat()}:{hashlib.sha256(model.encode()).hexdigest()[:32]}"
    cached = cache.get(key)
    if cached is not None:
        return None if cached == _NO_PRICE else cached
    price = ModelPrice.objects.effective_for(model, on=on)
    cache.set(key, price if price is not None else _NO_PRICE, timeout=PRICE_CACHE_SECONDS)
    return price


def _cost(model: str, prompt_tokens: int, completion_tokens: int) -> Decimal | None:
    if model == llm.DEMO_MODEL:
        return Decimal(0)
    price = _price(model, timezone.now().date())
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
    values = {
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
        values["cost_usd"] = _cost(model, prompt_tokens, completion_tokens)
        with transaction.atomic():
            updated = queries.message_update(message_id=plan.message_id, **values)
    except (DataError, IntegrityError, ArithmeticError, ValueError):  # a value the database refuses
        logger.exception("saving the usage of answer %s failed; saving its text without it", plan.message_uuid)
        values = {**essentials, "model": plan.model, "usage_estimated": True}
        updated = queries.message_update(message_id=plan.message_id, **values)
    if not updated:  # deleted meanwhile (its shop or conversation went): nothing to keep
        raise Message.DoesNotExist(plan.message_uuid)
    if outcome.status == Message.Status.ERROR and not content and plan.usage_key:
        _count_chat(plan.usage_key, -1)  # failed before any text: not a chat (Message.objects.chats)
    message = Message(
        pk=plan.message_id,
        uuid=plan.message_uuid,
        conversation_id=plan.conversation_id,
        shop_id=plan.shop_id,
        role=Message.Role.ASSISTANT,
        **values,
    )
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
