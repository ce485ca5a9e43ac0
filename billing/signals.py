"""Signals billing sends for apps above it to react to (billing imports none of them)."""

from django.dispatch import Signal

# A shop's plan or its limits were set again: by hand (``shop_plan_set_manually``) or after a
# subscription sync (``shop_billing_refresh``), whether or not the plan itself changed. Sent with
# ``sender=Shop`` and ``shop``, inside that transaction and under the shop's lock, so a receiver's
# exception rolls the change back. Receivers must be idempotent: ``agents.receivers`` disables the
# agents over the new cap.
plan_changed = Signal()

# A Stripe invoice was paid, or its payment failed, as a webhook said. Sent by
# ``billing.services.stripe_event_handle`` once the webhook's transaction commits (once per event),
# with ``sender=Shop`` and JSON-able arguments: ``shop_id`` (int), ``invoice_id``, ``amount`` (a
# decimal string in the currency's unit), ``currency`` (ISO 4217, upper case), ``invoice_url``.
invoice_paid = Signal()
invoice_payment_failed = Signal()
