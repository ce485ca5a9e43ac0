"""Readiness checks for `/healthz`: each proves a round trip through one shared service."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer to SELECT 1")


def _cache() -> None:
    check = getattr(cache, "check", None)
    if check is not None:  # the Redis cache fails soft for everyone else, so ask it directly
        check()
        return
    nonce = uuid.uuid4().hex
    key = f"healthz:probe:{nonce}"  # one key per probe: concurrent probes must not overwrite each other
    cache.set(key, nonce, 30)
    try:
        if cache.get(key) != nonce:
            raise RuntimeError("value written was not read back")
    finally:
        cache.delete(key)


async def _channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    nonce = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.probe", "nonce": nonce})
    message = await layer.receive(channel)
    # The pub/sub layer keeps a process subscribed to every channel it received on until a
    # receive is cancelled: cancel one so each probe leaves nothing behind.
    waiter = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)
    waiter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiter
    if message.get("nonce") != nonce:
        raise RuntimeError("message sent was not received")


CHECKS: dict[str, Callable[[], Awaitable[None]]] = {
    "database": sync_to_async(_database, thread_sensitive=True),
    "cache": sync_to_async(_cache, thread_sensitive=False),
    "channel_layer": _channel_layer,
}


async def _run(name: str, check: Callable[[], Awaitable[None]]) -> str:
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        logger.warning("healthz: %s timed out", name)
        return "timeout"
    except Exception as exc:  # any failure means "not ready"; the class name is enough to triage
        logger.warning("healthz: %s failed: %r", name, exc)
        return f"error: {type(exc).__name__}"
    return "ok"


async def run_checks() -> dict[str, str]:
    names = list(CHECKS)
    results = await asyncio.gather(*(_run(name, CHECKS[name]) for name in names))
    return dict(zip(names, results, strict=True))
