"""One way to ask an agent, for the websocket consumer and the SSE API alike.

``ask`` checks the question and builds the prompt, asks the model, and saves the question while
the model thinks (checked again under the shop's lock; a refusal then stops the upstream request
and saves nothing). Each entry point returns the answer's frames to relay, or raises ChatError.
``decide`` approves or declines a proposal an answer made, through the registered toolbox.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.db import connections

from chat import selectors, services, streams
from chat.errors import NOT_A_MEMBER, ChatError
from chat.following import follow, follow_stored
from chat.frames import end_frame, proposal_frame, start_frame
from chat.models import Conversation, Message
from chat.toolbox import Toolbox, toolbox
from sixfb.errors import AppError
from sixfb.models import User

Frames = AsyncIterator[dict[str, Any]]
T = TypeVar("T")

# The database work of asking runs in these threads, not in Channels' one database thread (which
# heartbeats and final saves use), so requests of different conversations wait on PostgreSQL side
# by side. Checks and prompts, on every answer's time to first token, have threads of their own and
# never queue behind saves waiting for a shop's lock. At most 4 + 3 pooled connections are held.
_prepare_threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="chat-prepare")
_commit_threads = ThreadPoolExecutor(max_workers=3, thread_name_prefix="chat-commit")


def _in(executor: ThreadPoolExecutor, func: Callable[..., T]) -> Callable[..., Any]:
    @functools.wraps(func)
    def call_and_release(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()  # back to the pool at once, not held by an idle thread

    return database_sync_to_async(call_and_release, thread_sensitive=False, executor=executor)


async def ask(*, user: User, conversation: Conversation, content: object) -> Frames:
    """Ask the conversation's agent ``content``; ``conversation`` may be a draft, saved with it."""
    prepared = await _in(_prepare_threads, services.chat_prepare)(user=user, conversation=conversation, content=content)
    generation = streams.start_early(conversation.pk, prepared)
    try:
        _question, plan = await _in(_commit_threads, services.chat_commit)(prepared)
    except BaseException:
        generation.abort()
        raise
    generation.attach(plan)
    return follow(generation)


async def regenerate(*, user: User, conversation: Conversation) -> Frames:
    """Answer the last question again; the answer it replaces is kept for metering."""
    plan = await _in(_commit_threads, services.chat_regenerate)(user=user, conversation=conversation)
    return follow(streams.start(plan))


async def stop(*, user: User, conversation: Conversation) -> None:
    """Stop the answer being written; the follower then gets its ``end`` with status "stopped"."""
    if not await database_sync_to_async(selectors.is_member)(user=user, shop_id=conversation.shop_id):
        raise ChatError("not_a_member", NOT_A_MEMBER)
    generation = streams.running_for(conversation.pk)
    if generation is not None:
        generation.stop()
        return
    message = await database_sync_to_async(selectors.streaming_message)(conversation=conversation)
    if message is None:
        raise ChatError("nothing_to_stop", "No answer is being written.")
    await database_sync_to_async(services.request_stop)(message=message)  # running in another process


async def resume(*, conversation: Conversation) -> Frames | None:
    """The answer being written, from its start (a reloaded page), or None when there is none. One
    whose process died is followed from its row until the periodic sweep (chat.tasks) ends it."""
    generation = streams.running_for(conversation.pk)
    if generation is not None:
        return follow(generation, resumed=True)
    message = await database_sync_to_async(selectors.streaming_message)(conversation=conversation)
    return None if message is None else follow_stored(message)


async def decide(*, user: User, conversation: Conversation, proposal: object, approve: bool) -> list[dict[str, Any]]:
    """Approve or decline ``proposal`` (its id); the frames to send: the ``proposal`` with its new
    status and result, then the message the decision posted into this conversation, as ``start``
    and ``end`` (so a client that knows no proposals shows it as an answer)."""
    registered = toolbox()
    if registered is None:
        raise ChatError("not_available", "The agents cannot act on anything here.")
    try:
        proposal_id = str(uuid.UUID(proposal)) if isinstance(proposal, str) else None
    except ValueError:
        proposal_id = None
    if proposal_id is None:
        raise ChatError("bad_frame", "Say which proposal: its id.")
    return await database_sync_to_async(_decision_frames)(registered, user, conversation, proposal_id, approve)


def _decision_frames(
    registered: Toolbox, user: User, conversation: Conversation, proposal_id: str, approve: bool
) -> list[dict[str, Any]]:
    try:
        decision = registered.decide(user_id=user.pk, proposal_id=proposal_id, approve=approve)
    except ChatError:
        raise
    except AppError as exc:  # the toolbox's own refusal: the same code and message in an error frame
        raise ChatError(exc.code, exc.message, **exc.extra) from exc
    frames = [proposal_frame(decision.proposal_frame)]
    if decision.posted_message_id is not None and decision.conversation_id == conversation.pk:
        posted = Message.objects.filter(pk=decision.posted_message_id, conversation_id=conversation.pk).first()
        if posted is not None:
            frames += [start_frame(str(posted.uuid)), end_frame(posted)]
    return frames
