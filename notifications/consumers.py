"""`/ws/live/`: one socket per browser tab for live events (agent status, notifications)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from notifications import broadcast
from notifications.live_hub import join_hub, leave_hub
from sixfb.lib.frames import JsonFramesMixin
from sixfb.lib.sockets import NO_CHANNEL_LAYER
from sixfb.selectors import memberships_for_user

MAX_FRAME_BYTES = 4096


class LiveConsumer(JsonFramesMixin, AsyncWebsocketConsumer):
    channel_layer_alias = NO_CHANNEL_LAYER  # events arrive through the hub, not on a channel of its own
    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close()  # before accept: the handshake is refused with 403
            return
        shop_ids = await database_sync_to_async(_shop_ids_for)(user)
        names = [broadcast.EVERYONE_GROUP, broadcast.user_group(user.pk)]
        names += [broadcast.shop_group(shop_id) for shop_id in shop_ids]
        names += [broadcast.member_group(shop_id, user.pk) for shop_id in shop_ids]
        # Joined before the handshake completes: once the browser sees the socket open (and resyncs),
        # no event for it can be missed.
        self.groups_joined = await join_hub(self, names)
        await self.accept()
        if not self.groups_joined:
            await self.close(code=1011)  # the channel layer is down: the browser reconnects with back-off

    async def disconnect(self, code: int) -> None:
        if self.groups_joined:
            await leave_hub(self, self.groups_joined)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = await self.parse(text_data, bytes_data, max_bytes=MAX_FRAME_BYTES)
        if frame is None:
            return
        if frame["type"] == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_error("unknown_type", f"Unknown frame type {frame['type']!r}.")


def _shop_ids_for(user: Any) -> list[int]:
    return [m.shop_id for m in memberships_for_user(user=user)]
