"""Asking for a reply: every check, the prompt, then the question and a streaming reply saved.

``chat_prepare`` checks and builds the prompt without writing, so the model can be asked while
``chat_commit`` saves under the shop's lock (chat/answering.py runs the two that way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from agents.models import Agent, ShopAgent
from agents.services import agent_analytics_label
from chat import demo, llm, prompt, queries, toolbox
from chat.errors import ChatError
from chat.models import Conversation, Message
from chat.prompt import Turn
from chat.services import metering
from chat.services.admission import (
    STALE_AFTER,
    Admitted,
    admission_check,
    rate_limit_check,
    shop_admit,
    usable_shop_agent,
)
from chat.signals import chat_counted
from sixfb import selectors as shop_selectors
from sixfb.flags import decided_once
from sixfb.lib import analytics
from sixfb.models import User

TITLE_LENGTH = 60
# The newest messages read for a prompt; the token budget (CHAT_PROMPT_TOKEN_BUDGET) trims further.
HISTORY_LIMIT = 40


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
    agent_slug: str  # the agent as the checks read it: its "busy" is announced without a query
    agent_status: str
    prompt_tokens: int = 0
    usage_key: str = ""  # the shop's cached chat count, moved back if the reply fails before any text
    demo_text: str = field(default="", repr=False)  # the whole answer, when no model is configured
    tools: list[dict[str, Any]] = field(default_factory=list, repr=False)  # OpenAI's tools list; [] for none
    user_id: int | None = None  # who asked (the conversation's person): tools act as them
    monthly_chats: int | None = None  # the plan's chats this period (None: no limit), for the end frame


@dataclass(frozen=True)
class Draft:
    """The prompt for the next reply, and what it is asked of."""

    conversation: Conversation
    agent: Agent
    model: str
    messages: list[dict[str, str]]
    prompt_tokens: int
    demo_text: str = ""  # the whole answer, when no model is configured (chat.demo)
    tools: list[dict[str, Any]] = field(default_factory=list)  # what the agent may call (chat.toolbox)


@dataclass(frozen=True)
class PreparedRequest:
    """A question that passed every check, with its prompt; nothing is saved yet (``chat_commit``)."""

    user: User
    conversation: Conversation
    shop_agent: ShopAgent
    question: Message
    draft: Draft

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

    @property
    def demo_text(self) -> str:
        return self.draft.demo_text

    @property
    def tools(self) -> list[dict[str, Any]]:
        return self.draft.tools


def _history(conversation: Conversation) -> list[Turn]:
    """The newest visible turns, oldest first; the prompt's token budget trims them further. A row
    far over the budget (a runaway answer) is left out rather than sent or counted each time."""
    if conversation.pk is None:
        return []
    max_chars = max(settings.CHAT_MAX_MESSAGE_CHARS, 4 * settings.CHAT_PROMPT_TOKEN_BUDGET)
    return queries.recent_turns(conversation_id=conversation.pk, limit=HISTORY_LIMIT, max_chars=max_chars)


def _draft_reply(*, conversation: Conversation, shop_agent: ShopAgent, history: list[Turn]) -> Draft:
    """The prompt for the next reply: no writes. The prompt and the tools agree on the flags
    (``ai_agent_v2``), each read once."""
    with decided_once():
        return _draft(conversation=conversation, shop_agent=shop_agent, history=history)


def _draft(*, conversation: Conversation, shop_agent: ShopAgent, history: list[Turn]) -> Draft:
    agent = shop_agent.agent
    model = llm.DEMO_MODEL if llm.is_demo() else (agent.model or settings.OPENAI_MODEL)
    system = prompt.system_prompt(agent=agent, shop_agent=shop_agent, shop=shop_agent.shop, user=conversation.user)
    messages, prompt_tokens = prompt.build_messages(
        system=system, history=history, model=model, budget=settings.CHAT_PROMPT_TOKEN_BUDGET
    )
    demo_text = ""
    tools: list[dict[str, Any]] = []
    registered = toolbox.toolbox()
    if registered is not None and model != llm.DEMO_MODEL:  # no toolbox: no query, no tools
        tools = registered.specs(shop=shop_agent.shop, agent=agent, user=conversation.user)
    if model == llm.DEMO_MODEL:  # read here, off the event loop: the stream itself runs no queries
        question = next((turn.content for turn in reversed(history) if turn.role == Message.Role.USER), "")
        numbers = shop_selectors.user_manages_shop(user=conversation.user, shop=shop_agent.shop)
        demo_text = demo.demo_answer(shop_agent=shop_agent, question=question, numbers=numbers)
    return Draft(conversation, agent, model, messages, prompt_tokens, demo_text, tools)


def _insert_reply(draft: Draft, *, admitted: Admitted, question: Message | None = None) -> GenerationPlan:
    """Insert the streaming reply (with the question, when there is one): call after ``shop_admit``."""
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
    metering.usage_count_move(key=admitted.usage_key, step=1)
    counted = {
        "shop_id": conversation.shop_id,
        "chats_used": None if admitted.chats_used is None else admitted.chats_used + 1,
        "monthly_chats": admitted.monthly_chats,
    }
    transaction.on_commit(lambda: chat_counted.send_robust(sender=Message, **counted))
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
        usage_key=admitted.usage_key,
        demo_text=draft.demo_text,
        tools=draft.tools,
        user_id=conversation.user_id,
        agent_slug=draft.agent.slug,
        agent_status=draft.agent.status,
        monthly_chats=admitted.monthly_chats,
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


def chat_prepare(*, user: User, conversation: Conversation, content: object, precheck: bool = True) -> PreparedRequest:
    """Every check and the prompt, without writing: the model can be asked while ``chat_commit`` saves.

    ``conversation`` may be a draft (``conversation_draft``), saved by ``chat_commit``. ``precheck``
    also runs the capacity and quota checks without the shop's lock, so a shop at its limit is
    refused before anything goes upstream; ``chat_commit`` checks again under the lock.
    """
    text = _validate_content(content)
    if conversation.user_id == user.pk and not Conversation.user.is_cached(conversation):
        conversation.user = user  # the asker is the conversation's person (they are private): no query
    shop_agent = usable_shop_agent(user=user, shop=conversation.shop, agent=conversation.agent)
    rate_limit_check(user=user)
    if precheck:
        admission_check(shop=conversation.shop, conversation=conversation)
    question = Message(conversation=conversation, shop=conversation.shop, role=Message.Role.USER, content=text)
    history = [*_history(conversation), Turn(None, question.role, question.content)]
    draft = _draft_reply(conversation=conversation, shop_agent=shop_agent, history=history)
    return PreparedRequest(user, conversation, shop_agent, question, draft)


def chat_commit(prepared: PreparedRequest) -> tuple[Message, GenerationPlan]:
    """Save the question and a streaming reply under the shop's lock, after checking again (and the
    conversation first, when it is a draft)."""
    conversation, question = prepared.conversation, prepared.question
    with transaction.atomic():
        if conversation.pk is None:
            conversation.title = " ".join(question.content.split())[:TITLE_LENGTH]
            conversation.save()
            question.conversation = conversation  # now with its id
        admitted = shop_admit(shop=conversation.shop, conversation=conversation)
        plan = _insert_reply(prepared.draft, admitted=admitted, question=question)
        changes: dict[str, object] = {"updated_at": timezone.now()}
        if not conversation.title:
            conversation.title = changes["title"] = " ".join(question.content.split())[:TITLE_LENGTH]
        Conversation.objects.filter(pk=conversation.pk).update(**changes)
        analytics.track(
            prepared.user,
            "chat_message_sent",
            shop=conversation.shop,
            agent=agent_analytics_label(prepared.shop_agent.agent),
        )
    return question, plan


def chat_request(*, user: User, conversation: Conversation, content: object) -> tuple[Message, GenerationPlan]:
    """Save the user's message and a streaming reply, after every check; nothing is saved on refusal."""
    return chat_commit(chat_prepare(user=user, conversation=conversation, content=content, precheck=False))


@transaction.atomic
def chat_regenerate(*, user: User, conversation: Conversation) -> GenerationPlan:
    """Replace the last answer with a new one (it counts as a chat); the old one is kept for metering."""
    shop_agent = usable_shop_agent(user=user, shop=conversation.shop, agent=conversation.agent)
    rate_limit_check(user=user)
    admitted = shop_admit(shop=conversation.shop, conversation=conversation)
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
        _draft_reply(conversation=conversation, shop_agent=shop_agent, history=visible), admitted=admitted
    )
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    agent_label = agent_analytics_label(shop_agent.agent)
    # Still a sent message (it counts as a chat, and dashboards count chats by it), and named too.
    analytics.track(user, "chat_message_sent", shop=conversation.shop, agent=agent_label, regenerate=True)
    analytics.track(user, "chat_message_regenerated", shop=conversation.shop, agent=agent_label)
    return plan
