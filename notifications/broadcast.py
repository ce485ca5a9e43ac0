"""The one way events reach browsers on `/ws/live/`: after commit, JSON only, shop-scoped.

Groups are global across processes (Redis), so every group name embeds what it is for and
the tenant's id. Only small events travel here; chat tokens never do (channels_redis drops
messages to a member whose queue is full).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from notifications.live_hub import HUB_MESSAGE_TYPE
from sixfb.lib.redis_cache import UNREACHABLE
from sixfb.lib.sockets import MEMBERSHIP_ENDED_CLOSE_CODE

logger = logging.getLogger(__name__)

EVERYONE_GROUP = "live.all"


def shop_group(shop_id: int) -> str:
    return f"live.shop.{int(shop_id)}"


def user_group(user_id: int) -> str:
    return f"live.user.{int(user_id)}"


def member_group(shop_id: int, user_id: int) -> str:
    """Every socket (live or chat) a person has open on a shop: closed when they leave it."""
    return f"live.member.{int(shop_id)}.{int(user_id)}"


def _send(group: str, text: str, *, close: int | None = None) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message: dict[str, Any] = {"type": HUB_MESSAGE_TYPE, "group": group, "text": text}
    if close is not None:
        message["close"] = close
    try:
        # Each server process's live hub is the group's one member there (notifications/live_hub.py).
        async_to_sync(layer.group_send)(group, message)
    except UNREACHABLE as exc:  # best effort: the database stays the source of truth; logged once an outage
        if not _outage.is_set():
            _outage.set()
            logger.error("broadcasts failing: the channel layer is unreachable (%r); events are dropped", exc)
        return
    except Exception:
        logger.exception("broadcast to %s failed", group)
        return
    if _outage.is_set():
        _outage.clear()
        logger.warning("broadcasts delivered again")


# Set while the channel layer is unreachable, so an outage is logged once, not once per event.
_outage = threading.Event()


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


def close_member_sockets(*, shop_id: int, user_id: int) -> None:
    """Once the transaction commits, every socket the person has open on the shop gets a
    ``membership_ended`` error frame and is closed, in every server process."""
    text = json.dumps(
        {"type": "error", "code": "membership_ended", "message": "You are no longer a member of this shop."}
    )
    group = member_group(shop_id, user_id)
    transaction.on_commit(lambda: _send(group, text, close=MEMBERSHIP_ENDED_CLOSE_CODE))
