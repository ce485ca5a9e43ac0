"""Signals sixfb sends for apps above it to react to (sixfb imports none of them)."""

from django.dispatch import Signal

# Sent by ``sixfb.services.shop_create`` inside its transaction, after the owner's membership
# exists; receivers get ``shop`` and ``owner``. A receiver's exception rolls the shop back.
shop_created = Signal()

# Sent when an agent's prompt is built (chat.prompt, the ai_agent_v2 prompts) with ``shop``; each
# receiver returns lines of facts about the shop for the model (bookings: its services and prices).
shop_facts_wanted = Signal()
