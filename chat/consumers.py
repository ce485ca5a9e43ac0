"""`/ws/chat/<uuid>/`: one socket per open conversation, a thin shell over chat.answering.

Client frames: ``message`` {content}, ``stop``, ``regenerate``, ``approve`` and ``decline``
{proposal}. Server frames: ``start``, ``delta``, ``tool``, ``proposal``, ``end``, ``error`` (docs in
DESIGN.md and docs/chat.md). The generation is not owned by the socket:
closing it only stops following; the answer is still finished and saved. While the
``ai_chat_enabled`` switch is off, ``message`` and ``regenerate`` get a ``chat_paused`` error and
nothing is saved; ``stop`` still ends an answer begun before the switch went off.
"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.http import Http404

from chat import answering, selectors
from chat.answering import Frames
from chat.errors import ChatError
from chat.models import Conversation
from chat.services.availability import ChatPaused
from sixfb.flags import AI_CHAT_ENABLED, aswitch_is_on
from sixfb.lib.frames import JsonFramesMixin
from sixfb.lib.sockets import MEMBERSHIP_ENDED_CLOSE_CODE, NO_CHANNEL_LAYER

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024  # a message of CHAT_MAX_MESSAGE_CHARS characters, JSON-escaped, fits


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
        frames = await answering.resume(conversation=self.conversation)
        if frames is not None:
            self._follow(frames)

    async def disconnect(self, code: int) -> None:
        # Only stop following: the generation itself runs on and is saved.
        if self.follower is not None:
            self.follower.cancel()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = await self.parse(text_data, bytes_data, max_bytes=MAX_FRAME_BYTES)
        if frame is None:
            return
        user, conversation = self.scope["user"], self.conversation
        assert conversation is not None  # set by connect, or the socket was refused
        try:
            if frame["type"] == "stop":
                await answering.stop(user=user, conversation=conversation)
            elif frame["type"] in ("approve", "decline"):  # runs no model: open while chat is paused
                approve = frame["type"] == "approve"
                replies = await answering.decide(
                    user=user, conversation=conversation, proposal=frame.get("proposal"), approve=approve
                )
                for reply in replies:
                    await self.send_json(reply)
            elif frame["type"] not in ("message", "regenerate"):
                await self.send_error("unknown_type", f"Unknown frame type {frame['type']!r}.")
            elif not await aswitch_is_on(AI_CHAT_ENABLED):  # the kill switch: nothing is saved
                raise ChatPaused(frame["type"])
            elif self.follower is not None and not self.follower.done():
                await self.send_error("generation_in_progress", "An answer is still being written.")
            elif frame["type"] == "message":
                self._follow(await answering.ask(user=user, conversation=conversation, content=frame.get("content")))
            else:
                self._follow(await answering.regenerate(user=user, conversation=conversation))
        except ChatError as exc:
            await self.send_json(exc.as_frame())
            if exc.code == "not_a_member":
                await self.close(code=MEMBERSHIP_ENDED_CLOSE_CODE)
        except Exception:  # a bug or an outage: say so on this frame, keep the socket
            logger.exception("chat frame %r on conversation %s failed", frame["type"], conversation.uuid)
            await self.send_error("internal_error", "Something went wrong on our side. Please try again.")

    def _follow(self, frames: Frames) -> None:
        self.follower = asyncio.get_running_loop().create_task(self._relay(frames))

    async def _relay(self, frames: Frames) -> None:
        async for frame in frames:
            await self.send_json(frame)
