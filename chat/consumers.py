"""`/ws/chat/<uuid>/`: one socket per open conversation. A thin shell over chat.services and chat.streams.

Client frames: ``message`` {content}, ``stop``, ``regenerate``. Server frames: ``start``,
``delta``, ``end``, ``error`` (docs in DESIGN.md). The generation is not owned by the socket:
closing it only stops following; the answer is still finished and saved.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import connections
from django.http import Http404

from chat import selectors, services, streams
from chat.models import Conversation
from sixfb.lib.frames import JsonFramesMixin
from sixfb.lib.sockets import MEMBERSHIP_ENDED_CLOSE_CODE, NO_CHANNEL_LAYER

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024  # a message of CHAT_MAX_MESSAGE_CHARS characters, JSON-escaped, fits


# Requests' database work runs in these threads, not in Channels' one database thread (which the
# heartbeats and the final saves use): requests of different conversations then wait on PostgreSQL
# side by side instead of in one queue. Checks and prompts (before the model is asked, so on every
# answer's time to first token) have threads of their own: they never queue behind saves waiting
# for a shop's lock. The pools are fixed and live as long as the process, so at most 4 + 3
# database connections are taken for them (DATABASE_POOL_MAX_SIZE is 10 by default).
_prepare_threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="chat-prepare")
_commit_threads = ThreadPoolExecutor(max_workers=3, thread_name_prefix="chat-commit")


def _off_loop(func, executor: ThreadPoolExecutor):
    @functools.wraps(func)
    def call_and_release(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()  # back to the pool at once, not held by an idle thread

    return database_sync_to_async(call_and_release, thread_sensitive=False, executor=executor)


class ChatConsumer(JsonFramesMixin, AsyncWebsocketConsumer):
    # No channel of its own on the layer: nothing is ever sent to it by name, and the handshake
    # then needs no Redis, so chat keeps working while Redis is down. Membership is checked on
    # every frame instead (a person who left the shop is refused and the socket closed).
    channel_layer_alias = NO_CHANNEL_LAYER
    conversation: Conversation | None = None
    follower: asyncio.Task | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close()  # before accept: the handshake is refused
            return
        try:
            self.conversation = await database_sync_to_async(selectors.get_conversation_for_user)(
                user=user, conversation_uuid=self.scope["url_route"]["kwargs"]["conversation_uuid"]
            )
        except Http404:
            await self.close()  # someone else's conversation looks exactly like a missing one
            return
        await self.accept()
        await self._resume()

    async def disconnect(self, code: int) -> None:
        # Only stop following: the generation itself runs on and is saved.
        if self.follower is not None:
            self.follower.cancel()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = await self.parse(text_data, bytes_data, max_bytes=MAX_FRAME_BYTES)
        if frame is None:
            return
        handler = {"message": self.on_message, "stop": self.on_stop, "regenerate": self.on_regenerate}.get(
            frame["type"]
        )
        if handler is None:
            await self.send_error("unknown_type", f"Unknown frame type {frame['type']!r}.")
            return
        try:
            await handler(frame)
        except Exception:  # a bug or an outage: say so on this frame, keep the socket
            logger.exception("chat frame %r on conversation %s failed", frame["type"], self.conversation.uuid)
            await self.send_error("internal_error", "Something went wrong on our side. Please try again.")

    async def on_message(self, frame: dict[str, Any]) -> None:
        if self._following():
            await self.send_error("generation_in_progress", "An answer is still being written.")
            return
        try:
            prepared = await _off_loop(services.chat_prepare, _prepare_threads)(
                user=self.scope["user"], conversation=self.conversation, content=frame.get("content")
            )
        except services.ChatError as exc:
            await self.refuse(exc)
            return
        # The model is asked now; the question is saved while it thinks (checked again, under lock).
        generation = streams.start_early(self.conversation.pk, prepared)
        try:
            _question, plan = await _off_loop(services.chat_commit, _commit_threads)(prepared)
        except services.ChatError as exc:
            generation.abort()
            await self.refuse(exc)
            return
        except BaseException:
            generation.abort()
            raise
        generation.attach(plan)
        self._follow(streams.follow(generation))

    async def on_regenerate(self, frame: dict[str, Any]) -> None:
        if self._following():
            await self.send_error("generation_in_progress", "An answer is still being written.")
            return
        try:
            plan = await _off_loop(services.chat_regenerate, _commit_threads)(
                user=self.scope["user"], conversation=self.conversation
            )
        except services.ChatError as exc:
            await self.refuse(exc)
            return
        self._follow(streams.follow(streams.start(plan)))

    async def on_stop(self, frame: dict[str, Any]) -> None:
        if not await database_sync_to_async(selectors.is_member)(
            user=self.scope["user"], shop_id=self.conversation.shop_id
        ):
            await self.refuse(services.ChatError("not_a_member", services.NOT_A_MEMBER))
            return
        generation = streams.running_for(self.conversation.pk)
        if generation is not None:
            generation.stop()  # the follower sends the `end` frame with status "stopped"
            return
        message = await database_sync_to_async(selectors.streaming_message)(conversation=self.conversation)
        if message is None:
            await self.send_error("nothing_to_stop", "No answer is being written.")
            return
        await database_sync_to_async(services.request_stop)(message=message)  # running in another process

    async def _resume(self) -> None:
        """A reloaded page: send what has arrived, then the rest live."""
        await database_sync_to_async(services.messages_fail_stale)()
        generation = streams.running_for(self.conversation.pk)
        if generation is not None:
            self._follow(streams.follow(generation, resumed=True))
            return
        message = await database_sync_to_async(selectors.streaming_message)(conversation=self.conversation)
        if message is not None:
            self._follow(streams.follow_stored(message))

    async def refuse(self, error: services.ChatError) -> None:
        await self.send_json(error.as_frame())
        if error.code == "not_a_member":
            await self.close(code=MEMBERSHIP_ENDED_CLOSE_CODE)

    def _following(self) -> bool:
        return self.follower is not None and not self.follower.done()

    def _follow(self, frames: AsyncIterator[dict[str, Any]]) -> None:
        self.follower = asyncio.get_running_loop().create_task(self._relay(frames))

    async def _relay(self, frames: AsyncIterator[dict[str, Any]]) -> None:
        async for frame in frames:
            await self.send_json(frame)
