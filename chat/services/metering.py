"""What answers cost a shop: this period's chat count (kept in the cache) and the price of tokens."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from billing.entitlements import ChatAllowance
from chat import llm
from chat.models import ModelPrice
from chat.selectors import chats_used
from sixfb.models import Shop

# This period's chat count per shop is read from the database at most this often; in between it
# lives in the cache and moves by one per reply, under the shop's lock. An error leaves it too
# high (never too low) until the next count.
USAGE_RECOUNT_SECONDS = 300
# Prices are looked up per (model, day) and cached for a minute: an admin's edit applies within it.
PRICE_CACHE_SECONDS = 60
_NO_PRICE = "none"


def usage_key(*, shop: Shop, allowance: ChatAllowance) -> str:
    return f"chat:used:{shop.pk}:{int(allowance.period_start.timestamp())}"


def usage_count(*, shop: Shop, allowance: ChatAllowance, locked: bool) -> int:
    """This period's chats, from the cache when it holds them; kept only when counted under the lock."""
    key = usage_key(shop=shop, allowance=allowance)
    used = cache.get(key)
    if used is None:
        used = chats_used(shop=shop, start=allowance.period_start, end=allowance.period_end)
        if locked:  # a count taken without the lock could miss a reply being saved: not kept
            cache.set(key, used, timeout=USAGE_RECOUNT_SECONDS)
    return used


def usage_count_move(*, key: str, step: int) -> None:
    # Not cached (expired or evicted): the next request counts in the database.
    with contextlib.suppress(ValueError):
        cache.incr(key, step)


def _price(model: str, on: dt.date) -> ModelPrice | None:
    # Hashed: the model name comes from the upstream server and may hold anything.
    key = f"chat:price:{on.isoformat()}:{hashlib.sha256(model.encode()).hexdigest()[:32]}"
    cached = cache.get(key)
    if cached is not None:
        return None if cached == _NO_PRICE else cached
    price = ModelPrice.objects.effective_for(model, on=on)
    cache.set(key, price if price is not None else _NO_PRICE, timeout=PRICE_CACHE_SECONDS)
    return price


def answer_cost(*, model: str, prompt_tokens: int, completion_tokens: int) -> Decimal | None:
    """What the tokens cost at today's price of the model; None when it has no price."""
    if model == llm.DEMO_MODEL:
        return Decimal(0)
    price = _price(model, timezone.now().date())
    return price.cost(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens) if price else None
