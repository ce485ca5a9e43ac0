"""One way to ask an agent, for the websocket consumer and the SSE API alike.

``ask`` checks the question and builds the prompt, asks the model, and saves the question while
the model thinks (checked again under the shop's lock; a refusal then stops the upstream request
and saves nothing). Each entry point returns the answer's frames to relay, or raises ChatError.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.db import connections

from chat import selectors, services, streams
from chat.errors import NOT_A_MEMBER, ChatError
from chat.following import follow, follow_stored
from chat.models import Conversation
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
