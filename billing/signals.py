"""Signals billing sends for apps above it to react to (billing imports none of them)."""

from django.dispatch import Signal

# A shop's plan or its limits were set again: by hand (``shop_plan_set_manually``) or after a
# subscription sync (``shop_billing_refresh``), whether or not the plan itself changed. Sent with
# ``sender=Shop`` and ``shop``, inside that transaction and under the shop's lock, so a receiver's
# exception rolls the change back. Receivers must be idempotent: ``agents.receivers`` disables the
# agents over the new cap.
plan_changed = Signal()
