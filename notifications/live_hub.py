"""Per-process fan-out for `/ws/live/`: each event crosses the channel layer once per process.

Each process joins a group once, through one hub channel, and writes the already-serialised event
to its local sockets directly, instead of one channel-layer delivery and consumer dispatch per
socket: kept for the live fan-out target, p99 ≤ 50 ms at 1,000 sockets (bench/live_fanout.py;
docs/benchmarks.md has how the figures got there).

One hub per event loop (a server process has one; tests get a fresh loop per test). The hub's
receive task stops when its last socket leaves.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import defaultdict
from typing import Protocol

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

HUB_MESSAGE_TYPE = "live.hub"
# Channel-layer group memberships expire (a day by default): renew them well before that.
RENEW_SECONDS = 3600
RETRY_SECONDS = 1.0


class LiveSocket(Protocol):
    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool | int = False
    ) -> None: ...


class LiveHub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.members: defaultdict[str, set[LiveSocket]] = defaultdict(set)
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    async def join(self, socket: LiveSocket, groups: list[str]) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("live.hub.")
            for group in groups:
                if not self.members[group]:
                    await self.layer.group_add(group, self.channel)
                self.members[group].add(socket)
            if self.task is None or self.task.done():
                self.task = asyncio.ensure_future(self._run(self.channel))

    async def leave(self, socket: LiveSocket, groups: list[str]) -> None:
        async with self.lock:
            for group in groups:
                sockets = self.members.get(group)
                if sockets is None:
                    continue
                sockets.discard(socket)
                if not sockets:
                    del self.members[group]
                    await self.layer.group_discard(group, self.channel)
            if not self.members and self.task is not None:
                self.task.cancel()  # also releases the channel in the pub/sub layer
                self.task, self.channel = None, None

    async def _run(self, channel: str) -> None:
        failing = False
        while True:
            try:
                message = await asyncio.wait_for(self.layer.receive(channel), RENEW_SECONDS)
            except TimeoutError:
                await self._renew(channel)
                continue
            except Exception as exc:  # the layer is unreachable: try again, and join again once it is back
                if not failing:
                    logger.error("live hub: receiving failed (%r); retrying every %s s", exc, RETRY_SECONDS)
                failing = True
                await asyncio.sleep(RETRY_SECONDS)
                try:
                    await self._renew(channel)
                except Exception:  # still down: logged once above
                    logger.debug("live hub: still unreachable", exc_info=True)
                    continue
                logger.warning("live hub: receiving again")
                failing = False
                continue
            group, text, close = message.get("group"), message.get("text"), message.get("close", False)
            if not isinstance(group, str) or not isinstance(text, str) or not isinstance(close, int):
                logger.warning("live hub: ignored a malformed message")
                continue
            for socket in list(self.members.get(group, ())):
                try:
                    await socket.send(text_data=text, close=close)  # a close code closes after the frame
                except Exception:  # one broken socket must not starve the others
                    logger.debug("live hub: send failed", exc_info=True)

    async def _renew(self, channel: str) -> None:
        async with self.lock:
            for group in list(self.members):
                await self.layer.group_add(group, channel)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LiveHub] = weakref.WeakKeyDictionary()


def get_hub() -> LiveHub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = LiveHub()
    return hub


async def join_hub(socket: LiveSocket, groups: list[str]) -> list[str]:
    """Join ``groups`` through this process's hub; the groups joined, or none when the channel
    layer is unreachable (logged): the socket then works without live events."""
    try:
        await get_hub().join(socket, groups)
    except Exception as exc:
        logger.warning("live hub: joining %d group(s) failed (%r): no live events on this socket", len(groups), exc)
        return []
    return groups


async def leave_hub(socket: LiveSocket, groups: list[str]) -> None:
    try:
        await get_hub().leave(socket, groups)
    except Exception as exc:
        logger.warning("live hub: leaving %d group(s) failed (%r)", len(groups), exc)
