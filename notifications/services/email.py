"""Writes behind the email channel's pages and webhooks: one-click unsubscribe, a customer's
preferences page, and what the provider says happened to a message (delivered, bounced…)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from notifications.link_targets import CUSTOMER_SWITCHES, LinkTarget
from notifications.models import Delivery, Suppression
from notifications.services.preferences import preference_update

logger = logging.getLogger(__name__)

# The provider's word on a message, from anymail's normalised event types; a later event of a lower
# rank (a late "delivered" after a bounce) does not hide a worse one.
_STATUS_RANK = {
    "queued": 1,
    "sent": 1,
    "deferred": 1,
    "delivered": 2,
    "opened": 3,
    "clicked": 3,
    "autoresponded": 3,
    "bounced": 4,
    "rejected": 4,
    "failed": 4,
    "complained": 4,
    "unsubscribed": 4,
}
# Never written to again: a hard bounce (anymail's "bounced" means the provider gave up), a spam
# complaint, an address the provider refuses as invalid or bouncing, or its own unsubscribe list.
_SUPPRESS = {"bounced", "complained", "unsubscribed"}
_SUPPRESS_REJECTED = {"bounced", "invalid", "spam", "unsubscribed"}


@transaction.atomic
def email_unsubscribe(*, target: LinkTarget) -> None:
    """One-click unsubscribe: the link's group by email off for its recipient. From marketing, the
    customer's consent to marketing email goes too."""
    preference_update(
        shop=target.shop, user=target.user, customer=target.customer, channels={target.group: {"email": False}}
    )
    customer = target.customer
    if customer is not None and target.group == "marketing" and customer.email_consent_at is not None:
        customer.email_consent_at = None
        customer.save(update_fields=["email_consent_at", "updated_at"])


@transaction.atomic
def customer_preferences_save(*, target: LinkTarget, choices: dict[str, dict[str, bool]]) -> None:
    """Save a customer's switches from their page. Switching marketing email on there is their
    consent (the link reached only their inbox); off withdraws it."""
    customer = target.customer
    if customer is None:
        raise ValueError("Only a customer's link has a preferences page.")
    channels: dict[str, dict[str, bool]] = {}
    for group, channel in CUSTOMER_SWITCHES:
        channels.setdefault(group, {})[channel] = bool(choices.get(group, {}).get(channel, False))
    preference_update(shop=target.shop, customer=customer, channels=channels)
    wants_marketing = channels["marketing"]["email"]
    if wants_marketing != (customer.email_consent_at is not None):
        customer.email_consent_at = timezone.now() if wants_marketing else None
        customer.save(update_fields=["email_consent_at", "updated_at"])


def email_event_record(
    *, message_id: str | None, event_type: str, recipient: str | None, reject_reason: str | None, detail: str = ""
) -> int:
    """Record a provider's tracking event on the delivery it names (by the provider's message id) and
    suppress an address that must not be written to again. Returns how many deliveries it updated."""
    updated = 0
    if message_id and event_type in _STATUS_RANK:
        rank = _STATUS_RANK[event_type]
        lower = [status for status, r in _STATUS_RANK.items() if r > rank]
        fields: dict[str, object] = {"provider_status": event_type, "updated_at": timezone.now()}
        if rank == 4 and detail:
            fields["last_error"] = detail[:2000]
        updated = (
            Delivery.objects.filter(channel="email", provider_message_id=message_id)
            .exclude(provider_status__in=lower)
            .update(**fields)
        )
    suppress = event_type in _SUPPRESS or (event_type == "rejected" and reject_reason in _SUPPRESS_REJECTED)
    if suppress and recipient:
        _, created = Suppression.objects.get_or_create(
            channel="email", address=recipient.strip().lower(), defaults={"reason": event_type}
        )
        if created:
            logger.info("email address suppressed after a %s event", event_type)
    return updated
