"""Chat's answers to other apps' signals (connected in ChatConfig.ready)."""

from __future__ import annotations

from typing import Any

from chat.services.demo_seed import demo_chats_seed
from sixfb.models import Shop, User


def demo_shop_chats(sender: Any, *, shop: Shop, owner: User, reset: bool = False, **kwargs: Any) -> str:
    """``sixfb.signals.demo_shop_seeded``: the demo shop's agents and conversations."""
    made = demo_chats_seed(shop=shop, owner=owner, reset=reset)
    if made.kept:
        return f"{made.agents} agents enabled; agents and conversations kept as they are (--reset starts them again)"
    return f"{made.agents} agents enabled, {made.conversations} conversations"
