"""Signals sixfb sends for apps above it to react to (sixfb imports none of them)."""

from django.dispatch import Signal

# Sent by ``sixfb.services.shop_create`` inside its transaction, after the owner's membership
# exists; receivers get ``shop`` and ``owner``. A receiver's exception rolls the shop back.
shop_created = Signal()
