"""dj-stripe webhook signals → our services. dj-stripe has already stored the event and synced
its object by the time these run, inside the webhook request's transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from djstripe.models import Event, Subscription
from djstripe.signals import WEBHOOK_SIGNALS

from billing.entitlements import allowance_forget
from billing.models import Plan, ShopBilling
from billing.services import stripe_event_handle
from sixfb.models import Shop

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


# --- keeping the cached chat allowance true (billing.entitlements.shop_chat_allowance) ------


def _forget_after_commit(shop_id: int | None) -> None:
    # After commit: a request that reads between the save and the commit must not cache old terms.
    transaction.on_commit(lambda: allowance_forget(shop_id=shop_id))


@receiver([post_save, post_delete], sender=ShopBilling, dispatch_uid="billing.allowance.shop_billing")
def _shop_billing_changed(*, instance: ShopBilling, **kwargs: Any) -> None:
    _forget_after_commit(instance.shop_id)


@receiver(post_save, sender=Shop, dispatch_uid="billing.allowance.shop")
def _shop_changed(*, instance: Shop, **kwargs: Any) -> None:
    _forget_after_commit(instance.pk)  # the time zone decides a free or manual plan's month


@receiver([post_save, post_delete], sender=Plan, dispatch_uid="billing.allowance.plan")
@receiver([post_save, post_delete], sender=Subscription, dispatch_uid="billing.allowance.subscription")
def _plans_changed(**kwargs: Any) -> None:
    _forget_after_commit(None)
