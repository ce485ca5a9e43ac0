"""Signals sixfb sends for apps above it to react to (sixfb imports none of them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

# Sent by ``sixfb.services.shop_create`` inside its transaction, after the owner's membership
# exists; receivers get ``shop`` and ``owner``. A receiver's exception rolls the shop back.
shop_created = Signal()

# Sent when an agent's prompt is built (chat.prompt, the ai_agent_v2 prompts) with ``shop``, and by
# the demo answers (chat.demo) with ``figures=True`` as well; each receiver returns ``ShopFacts``
# (bookings: its services and prices; insights: this week's numbers, only when figures are asked).
shop_facts_wanted = Signal()

# Sent by the ``seed_demo`` command once the demo shop's login (``owner``) and business exist, with
# ``shop`` and ``reset``; receivers seed what they own (chat: agents enabled, a few conversations)
# and return a line for the command's output, or None.
demo_shop_seeded = Signal()


@dataclass(frozen=True)
class ShopFacts:
    """One app's answer to ``shop_facts_wanted``."""

    # Sentences for the model's prompt.
    lines: list[str] = field(default_factory=list)
    # Named values for the demo answers, filled only when the sender asks for ``figures``: they cost
    # a few aggregate queries that a real model's prompt does without. The business numbers (revenue,
    # rates, customers' names) come only with ``numbers=True``: for someone allowed the shop's numbers.
    figures: dict[str, Any] = field(default_factory=dict)
