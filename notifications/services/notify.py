"""An event for one recipient becomes one notification and a delivery per channel of its kind.

Each channel's delivery is decided here, once, and recorded: ``queued`` (with the time it may go:
now, later for a reminder, or when the recipient's quiet hours end), ``sent`` (in-app, pushed once
the transaction commits) or ``skipped`` with the reason. The same ``dedupe_key`` for the same
recipient is the same notification: firing again changes nothing and sends nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import operator
from functools import reduce
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bookings.models import Customer
from notifications import channels, kinds, preferences
from notifications.kinds import Audience, Kind
from notifications.models import Delivery, Notification, Preference, Suppression, recipient_key_for
from sixfb import flags
from sixfb.models import Shop, User

logger = logging.getLogger(__name__)


def notify(
    *,
    shop: Shop,
    kind: str,
    dedupe_key: str,
    payload: dict[str, Any],
    user: User | None = None,
    customer: Customer | None = None,
    not_before: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
    channels: tuple[str, ...] | None = None,
) -> Notification | None:
    """Record ``kind`` for ``user`` (staff) or ``customer`` and queue its deliveries.

    Returns the new notification, or ``None`` when the same one (``dedupe_key``) exists already.
    ``not_before`` schedules email and SMS (a reminder); ``expires_at`` skips what has not gone by then.
    ``channels`` narrows the kind's channels (a campaign goes by text or by email, not both).
    """
    spec = kinds.get(kind)
    if channels is not None:
        if not channels or not set(channels) <= set(spec.channels):
            raise ValueError(f"{kind} goes by {', '.join(spec.channels)}, not {', '.join(channels) or 'nothing'}.")
        spec = dataclasses.replace(spec, channels=tuple(c for c in spec.channels if c in channels))
    if (user is None) == (customer is None):
        raise ValueError("A notification has exactly one recipient: a user or a customer.")
    if (spec.audience == Audience.STAFF) != (user is not None):
        raise ValueError(f"{kind} is for {spec.audience.value}s.")
    if customer is not None and customer.shop_id != shop.pk:
        raise ValueError("That customer belongs to another shop.")
    key = recipient_key_for(user_id=user.pk if user else None, customer_id=customer.pk if customer else None)
    if Notification.objects.filter(shop=shop, recipient_key=key, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                shop=shop,
                user=user,
                customer=customer,
                kind=kind,
                payload=payload,
                dedupe_key=dedupe_key,
                expires_at=expires_at,
            )
    except IntegrityError:  # the same event, recorded by a concurrent call a moment ago
        return None
    _plan_deliveries(notification=notification, spec=spec, not_before=not_before)
    return notification


def _preference_for(notification: Notification) -> Preference | None:
    if notification.user_id is not None:
        return Preference.objects.filter(shop_id=notification.shop_id, user_id=notification.user_id).first()
    return Preference.objects.filter(customer_id=notification.customer_id).first()  # type: ignore[misc]


class RecipientFacts:
    """What ``decide`` needs to know of a notification's recipient on its channels, read once: their
    preference (one query) and, only when a check gets that far, which of their addresses are
    suppressed (one query for all the channels)."""

    def __init__(self, *, notification: Notification, spec: Kind, channel_names: tuple[str, ...]) -> None:
        self.effective = preferences.effective(audience=spec.audience, preference=_preference_for(notification))
        self.addresses = {name: channels.get(name).address_for(notification) or "" for name in channel_names}
        self._suppressed: set[tuple[str, str]] | None = None

    def suppressed(self, channel: str) -> bool:
        if self._suppressed is None:
            wanted = [
                (name, address.lower()) for name, address in self.addresses.items() if name != "in_app" and address
            ]
            self._suppressed = set()
            if wanted:
                match = reduce(operator.or_, (Q(channel=name, address=address) for name, address in wanted))
                self._suppressed = set(Suppression.objects.filter(match).values_list("channel", "address"))
        return (channel, self.addresses[channel].lower()) in self._suppressed


def decide(
    *,
    notification: Notification,
    spec: Kind,
    channel: str,
    now: dt.datetime,
    not_before: dt.datetime | None = None,
    facts: RecipientFacts | None = None,
) -> tuple[str, str, str, dt.datetime | None]:
    """``(status, reason, address, next_attempt_at)`` for one channel of a notification, as of ``now``.
    Used when the notification is made and again just before each send (preferences, consent or an
    address may have changed in between). Deciding several channels, pass the same ``facts``."""
    if facts is None:
        facts = RecipientFacts(notification=notification, spec=spec, channel_names=(channel,))
    effective = facts.effective
    chan = channels.get(channel)
    address = facts.addresses[channel]
    status, reason = Delivery.Status.QUEUED, ""
    if not effective.allows(spec, channel):
        status, reason = Delivery.Status.SKIPPED, Delivery.Reason.PREFERENCE_OFF
    elif channel == "sms" and not _sms_on():
        status, reason = Delivery.Status.SKIPPED, Delivery.Reason.CHANNEL_OFF
    elif not address:
        status, reason = Delivery.Status.SKIPPED, Delivery.Reason.NO_ADDRESS
    elif not chan.valid_address(address):
        status, reason = Delivery.Status.SKIPPED, Delivery.Reason.INVALID_ADDRESS
    elif not _consented(notification=notification, spec=spec, channel=channel):
        status, reason = Delivery.Status.SKIPPED, Delivery.Reason.NO_CONSENT
    elif channel != "in_app" and facts.suppressed(channel):
        status, reason = Delivery.Status.SKIPPED, Delivery.Reason.SUPPRESSED
    if status != Delivery.Status.QUEUED:
        return status, reason, address, None
    if channel == "in_app":
        return status, reason, address, now
    at = max(now, not_before) if not_before else now
    if not spec.urgent:
        tz = notification.shop.tzinfo
        at = preferences.quiet_until(at=at, start=effective.quiet_start, end=effective.quiet_end, tz=tz) or at
    if notification.expires_at is not None and at >= notification.expires_at:
        return Delivery.Status.SKIPPED, Delivery.Reason.PAST_DUE, address, None
    return status, reason, address, at


def _sms_on() -> bool:
    """The ``sms_enabled`` kill switch."""
    return flags.switch_is_on(flags.SMS_ENABLED)


def _consented(*, notification: Notification, spec: Kind, channel: str) -> bool:
    """Customers get texts only with SMS consent; marketing email only with email consent."""
    customer = notification.customer
    if customer is None or channel == "in_app":
        return True
    if channel == "sms":
        return customer.sms_consent_at is not None
    if spec.needs_marketing_consent:
        return customer.email_consent_at is not None
    return True


def _plan_deliveries(*, notification: Notification, spec: Kind, not_before: dt.datetime | None) -> None:
    from notifications.services import deliveries

    now = timezone.now()
    facts = RecipientFacts(notification=notification, spec=spec, channel_names=spec.channels)
    for channel in spec.channels:
        status, reason, address, at = decide(
            notification=notification, spec=spec, channel=channel, now=now, not_before=not_before, facts=facts
        )
        delivery = Delivery.objects.create(
            notification=notification,
            channel=channel,
            status=status,
            reason=reason,
            address=address.lower() if channel == "email" else address,
            next_attempt_at=at,
        )
        if status != Delivery.Status.QUEUED:
            continue
        if channel == "in_app":
            notification.inbox = True
            notification.save(update_fields=["inbox"])
            deliveries.send_now(delivery)
        else:
            deliveries.enqueue(delivery)
