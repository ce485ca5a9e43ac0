"""Feature flags and kill switches, decided on the server (views, consumers, tasks); templates are
given the answer, never the question.

A flag is decided per shop first, so every member and every device of a shop sees the same product:
a shop named in ``excluded_shops`` is out, one named in ``shops`` is in, and ``shop_percent`` takes a
stable hash of the shop. Then waffle's own rules for the person (everyone, users, groups, staff,
superusers). Waffle's ``percent`` (a per-browser cookie) is not consulted. A flag that does not exist
is off. Switches default to on when absent, so a missing row never takes the product down.

The flags and switches, what they do, and who owns them: ``docs/feature-flags.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from channels.db import database_sync_to_async
from waffle import get_waffle_flag_model, get_waffle_switch_model

from sixfb.models import Flag, Shop

NEW_DASHBOARD = "new_dashboard"
AI_AGENT_V2 = "ai_agent_v2"
AI_CHAT_ENABLED = "ai_chat_enabled"
SIGNUP_OPEN = "signup_open"
SMS_ENABLED = "sms_enabled"
ONLINE_BOOKING_ENABLED = "online_booking_enabled"


# Decisions already taken inside ``decided_once``, by (flag, shop id, person id).
_decisions: ContextVar[dict[tuple[str, int | None, int | None], bool] | None] = ContextVar(
    "sixfb_flag_decisions", default=None
)


@contextmanager
def decided_once() -> Iterator[None]:
    """Within this block each flag is decided once per shop and person, and that decision kept:
    an answer's prompt and its tools see the same flag, and it is read once (issue 19)."""
    token = _decisions.set({})
    try:
        yield
    finally:
        _decisions.reset(token)


def flag_is_active(name: str, *, shop: Shop | None = None, user: Any = None) -> bool:
    decisions = _decisions.get()
    if decisions is None:
        return _decide(name, shop=shop, user=user)
    key = (name, getattr(shop, "pk", None), getattr(user, "pk", None))
    if key not in decisions:
        decisions[key] = _decide(name, shop=shop, user=user)
    return decisions[key]


def _decide(name: str, *, shop: Shop | None, user: Any) -> bool:
    flag: Flag = get_waffle_flag_model().get(name)  # type: ignore[assignment] # ours (WAFFLE_FLAG_MODEL), cached
    if flag.pk is None:
        return False
    if flag.everyone is not None:
        return bool(flag.everyone)
    if shop is not None:
        decided = flag.is_active_for_shop(shop)
        if decided is not None:
            return decided
    if user is not None and getattr(user, "is_authenticated", False):
        return bool(flag.is_active_for_user(user))
    return False


async def aflag_is_active(name: str, *, shop: Shop | None = None, user: Any = None) -> bool:
    """For consumers: the same decision, off the event loop (it may query the database). Channels'
    wrapper closes the thread's connection after, as a request would: asgiref's alone kept it open,
    and a database restart left that thread with a dead connection for every later call."""
    return await database_sync_to_async(flag_is_active)(name, shop=shop, user=user)


def switch_is_on(name: str) -> bool:
    """A kill switch: on unless a row says it is off."""
    switch = get_waffle_switch_model().get(name)  # cached by waffle
    return switch.pk is None or bool(switch.is_active())


async def aswitch_is_on(name: str) -> bool:
    return await database_sync_to_async(switch_is_on)(name)
