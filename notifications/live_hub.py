"""Per-process fan-out for `/ws/live/`: each event crosses the channel layer once per process.

Each process joins a group once, through one hub channel, and writes the already-serialised event
to its local sockets directly, instead of one channel-layer delivery and consumer dispatch per
socket: kept for the live fan-out target, p99 ≤ 50 ms at 1,000 sockets (bench/live_fanout.py;
docs/benchmarks.md has how the figures got there).

One hub per event loop (a server process has one; tests get a fresh loop per test). The hub's
receive task stops when its last socket leaves.

The hub also counts, for the operators' cost dashboard, the frames it writes and the sockets it
holds (:class:`LiveUsage`): plain integers on the hot path, reported to Django's cache every
``COST_LIVE_REPORT_SECONDS`` from a thread, so the fan-out never waits on the cache and a cache
outage costs only the counts (logged once).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket as socketlib
import weakref
from collections import defaultdict
from typing import Protocol

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

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
        self.sockets: set[LiveSocket] = set()
        self.usage = LiveUsage()
        self.reporter: asyncio.Task | None = None
        self.last_report: asyncio.Future | None = None

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
            if socket not in self.sockets:
                self.sockets.add(socket)
                self.usage.opened(len(self.sockets))
            if self.reporter is None or self.reporter.done():
                self.reporter = asyncio.ensure_future(self._report_every())

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
            self.sockets.discard(socket)
            if not self.members and self.task is not None:
                self.task.cancel()  # also releases the channel in the pub/sub layer
                self.task, self.channel = None, None
            if not self.sockets and self.reporter is not None:
                self.reporter.cancel()
                self.reporter = None
                self.last_report = asyncio.ensure_future(self.flush_usage())  # the last counts, zero sockets

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
            sent = 0
            for socket in list(self.members.get(group, ())):
                try:
                    await socket.send(text_data=text, close=close)  # a close code closes after the frame
                    sent += 1
                except Exception:  # one broken socket must not starve the others
                    logger.debug("live hub: send failed", exc_info=True)
            self.usage.frames += sent

    async def flush_usage(self) -> None:
        """Report the counts so far to the cache (in a thread: the cache client blocks)."""
        frames, peak = self.usage.take(len(self.sockets))
        await asyncio.to_thread(self.usage.report, frames=frames, peak=peak, now=timezone.now())

    async def _report_every(self) -> None:
        while True:
            await asyncio.sleep(settings.COST_LIVE_REPORT_SECONDS)
            await self.flush_usage()

    async def _renew(self, channel: str) -> None:
        async with self.lock:
            for group in list(self.members):
                await self.layer.group_add(group, channel)


# Day keys outlive the daily rollup that reads them by a week (a missed run can catch up).
USAGE_DAY_SECONDS = 8 * 86400
USAGE_PROCESSES_KEY = "live:usage:processes"


def usage_key(kind: str, day: dt.date) -> str:
    return f"live:usage:{kind}:{day.isoformat()}"


class LiveUsage:
    """Frames written and sockets held by one hub, reported to the cache.

    Realtime messages: one ``incr`` per report of the frames written since the last one. Peak
    sockets: each process stores the most sockets it held since its last report under a key of its
    own that expires after three reports, and raises the day's peak to the sum over the processes
    still reporting (a dead process drops out). The sum of per-window peaks can exceed the true
    concurrent peak by the churn within one window: an upper bound, close at steady load.
    """

    def __init__(self) -> None:
        self.process = f"{socketlib.gethostname()}:{os.getpid()}:{id(self):x}"
        self.frames = 0
        self.window_peak = 0
        self.failing = False

    def opened(self, open_now: int) -> None:
        self.window_peak = max(self.window_peak, open_now)

    def take(self, open_now: int) -> tuple[int, int]:
        frames, peak = self.frames, max(self.window_peak, open_now)
        self.frames, self.window_peak = 0, open_now
        return frames, peak

    def report(self, *, frames: int, peak: int, now: dt.datetime) -> None:
        day = now.astimezone(dt.UTC).date()
        try:
            if frames:
                _incr(usage_key("frames", day), frames)
            mine = f"live:usage:process:{self.process}"
            cache.set(mine, peak, timeout=3 * settings.COST_LIVE_REPORT_SECONDS)
            processes = cache.get(USAGE_PROCESSES_KEY) or []
            if mine not in processes:
                cache.set(USAGE_PROCESSES_KEY, [*processes, mine][-500:], timeout=USAGE_DAY_SECONDS)
            reported = cache.get_many(processes if mine in processes else [*processes, mine])
            total = sum(value for value in reported.values() if isinstance(value, int))
            if total > (cache.get(usage_key("peak", day)) or 0):
                cache.set(usage_key("peak", day), total, timeout=USAGE_DAY_SECONDS)
        except Exception as exc:  # the cache is an optimisation here: never break the live layer
            if not self.failing:
                logger.warning("live hub: reporting usage failed (%r); counts are lost until it works", exc)
            self.failing = True
            return
        self.failing = False


def _incr(key: str, by: int) -> None:
    try:
        cache.incr(key, by)
    except ValueError:  # no such key yet (or the cache is down, and this raises again)
        cache.add(key, 0, timeout=USAGE_DAY_SECONDS)
        cache.incr(key, by)


def usage_for_day(day: dt.date) -> tuple[int | None, int | None]:
    """(frames written, peak sockets) reported for ``day``; ``None`` when the cache holds none."""
    values = cache.get_many([usage_key("frames", day), usage_key("peak", day)])
    return values.get(usage_key("frames", day)), values.get(usage_key("peak", day))


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
