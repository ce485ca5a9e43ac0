"""The live hub counts the frames it writes and the sockets it holds; the rollup stores them."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from channels.db import database_sync_to_async
from django.core.cache import caches
from django.utils import timezone

from insights.costs.rollup import day_rollup
from notifications import broadcast, live_hub
from notifications.tests.test_live_socket import ORIGIN, connect, signed_in_owner

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_frames_and_peak_sockets_reach_the_daily_rollup():
    today = timezone.now().astimezone(dt.UTC).date()
    _a, _shop_a, cookie_a = await signed_in_owner("A")
    _b, _shop_b, cookie_b = await signed_in_owner("B")
    first, _ = await connect(ORIGIN, cookie_a)
    second, _ = await connect(ORIGIN, cookie_b)

    await database_sync_to_async(broadcast.broadcast_to_everyone)(payload={"type": "agent.status", "status": "paused"})
    await database_sync_to_async(broadcast.broadcast_to_shop)(shop_id=_shop_a.pk, payload={"type": "agent.status"})
    await asyncio.gather(first.receive_json_from(timeout=2), second.receive_json_from(timeout=2))
    await first.receive_json_from(timeout=2)

    await live_hub.get_hub().flush_usage()
    assert live_hub.usage_for_day(today) == (3, 2)  # 2 frames to everyone + 1 to shop A; 2 sockets at once

    await second.disconnect()
    await live_hub.get_hub().flush_usage()
    assert live_hub.usage_for_day(today) == (3, 2)  # the peak stays

    usage = await database_sync_to_async(day_rollup)(day=today)
    assert (usage.realtime_messages, usage.peak_sockets) == (3, 2)
    await first.disconnect()


async def test_a_cache_outage_never_breaks_the_live_layer(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    _a, shop, cookie = await signed_in_owner("A")
    mine, _ = await connect(ORIGIN, cookie)
    monkeypatch.setattr(type(caches["default"]), "set", broken)  # every thread's cache client
    hub = live_hub.get_hub()
    await hub.flush_usage()
    await hub.flush_usage()
    assert sum("reporting usage failed" in r.message for r in caplog.records) == 1  # logged once

    await database_sync_to_async(broadcast.broadcast_to_shop)(shop_id=shop.pk, payload={"type": "agent.status"})
    assert await mine.receive_json_from(timeout=2) == {"type": "agent.status"}
    await mine.disconnect()
