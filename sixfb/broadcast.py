"""The one way events reach browsers on `/ws/live/`: after commit, JSON only, shop-scoped.

Groups are global across processes (Redis), so every group name embeds what it is for and
the tenant's id. Only small events travel here; chat tokens never do (channels_redis drops
messages to a member whose queue is full).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from sixfb.live_hub import HUB_MESSAGE_TYPE

logger = logging.getLogger(__name__)

EVERYONE_GROUP = "live.all"


def shop_group(shop_id: int) -> str:
    return f"live.shop.{int(shop_id)}"


def user_group(user_id: int) -> str:
    return f"live.user.{int(user_id)}"


def _send(group: str, text: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        # Each server process's live hub is the group's one member there (sixfb/live_hub.py).
        async_to_sync(layer.group_send)(group, {"type": HUB_MESSAGE_TYPE, "group": group, "text": text})
    except Exception:  # a broadcast is best effort: the database stays the source of truth
        logger.exception("broadcast to %s failed", group)


def broadcast(*, group: str, payload: dict[str, Any]) -> None:
    """Send ``payload`` to every socket in ``group`` once the current transaction commits."""
    if not isinstance(payload.get("type"), str):
        raise ValueError("A live event needs a string 'type'.")
    # Serialise now, once: a payload that is not plain JSON is a bug at the call site.
    text = json.dumps(payload, separators=(",", ":"))
    transaction.on_commit(lambda: _send(group, text))


def broadcast_to_shop(*, shop_id: int, payload: dict[str, Any]) -> None:
    broadcast(group=shop_group(shop_id), payload=payload)


def broadcast_to_everyone(*, payload: dict[str, Any]) -> None:
    broadcast(group=EVERYONE_GROUP, payload=payload)
