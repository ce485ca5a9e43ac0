"""dj-stripe webhook signals → our services. dj-stripe has already stored the event and synced
its object by the time these run, inside the webhook request's transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from djstripe.models import Event
from djstripe.signals import WEBHOOK_SIGNALS

from billing.services import stripe_event_handle

HANDLED_EVENTS = (
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
)


@receiver([WEBHOOK_SIGNALS[name] for name in HANDLED_EVENTS], sender=Event, dispatch_uid="billing.stripe_event")
def handle_stripe_event(*, event: Event, **kwargs: Any) -> None:
    stripe_event_handle(event_id=event.id, event_type=event.type, obj=(event.data or {}).get("object") or {})
