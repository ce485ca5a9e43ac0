"""Reads for a campaign (a ``campaign`` notification to many customers on one channel): who it would
reach now, what each of them would get, and how much the shop's campaigns send on a day. The writes are
``notifications.services.campaigns``; the agents' campaign tool and staff share both.

Who it reaches is decided the way ``notify``'s ``decide`` decides one delivery (marketing consent on
the channel, an address that is there and valid, no STOP or unsubscribe, the customer's preference,
the ``sms_enabled`` switch), but for a whole group in a few queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Coalesce
from django.urls import reverse

from bookings.models import Customer
from notifications import channels, gsm7, kinds, links, preferences
from notifications.kinds import Audience
from notifications.models import Delivery, Notification, Preference, Suppression, recipient_key_for
from notifications.rendering import render_email, render_sms
from notifications.services.deliveries import context_for
from sixfb import flags
from sixfb.models import Shop

KIND = "campaign"
CAMPAIGN_CHANNELS = ("email", "sms")
Reason = Delivery.Reason


@dataclass(frozen=True)
class CampaignAudience:
    recipients: list[Customer]  # in the order given
    skipped: dict[str, int] = field(default_factory=dict)  # Delivery.Reason value -> how many
    quiet_delayed: int = 0  # recipients whose quiet hours hold it back at the send time


def campaign_payload(*, shop: Shop, subject: str, text: str) -> dict[str, str]:
    """What the ``campaign`` templates are given (notifications/kinds.py)."""
    return {"subject": subject, "text": text, "book_url": links.absolute(reverse("book", args=[shop.slug]))}


def campaign_audience(*, shop: Shop, channel: str, customers: Iterable[Customer], at: dt.datetime) -> CampaignAudience:
    """Which of ``customers`` (the shop's) a campaign on ``channel`` sent at ``at`` would reach."""
    if channel not in CAMPAIGN_CHANNELS:
        raise ValueError(f"A campaign goes by email or sms, not {channel!r}.")
    spec = kinds.get(KIND)
    chan = channels.get(channel)
    candidates = [c for c in customers if c.shop_id == shop.pk]
    skipped: Counter[str] = Counter()
    if channel == "sms" and not flags.switch_is_on(flags.SMS_ENABLED):
        return CampaignAudience([], {Reason.CHANNEL_OFF.value: len(candidates)})
    addressed: list[tuple[Customer, str]] = []
    for customer in candidates:
        address = (customer.phone if channel == "sms" else customer.email or "").strip()
        consent = customer.sms_consent_at if channel == "sms" else customer.email_consent_at
        if not address:
            skipped[Reason.NO_ADDRESS.value] += 1
        elif not chan.valid_address(address):
            skipped[Reason.INVALID_ADDRESS.value] += 1
        elif consent is None:
            skipped[Reason.NO_CONSENT.value] += 1
        else:
            addressed.append((customer, address.lower()))
    suppressed = set(
        Suppression.objects.filter(channel=channel, address__in=[a for _c, a in addressed]).values_list(
            "address", flat=True
        )
    )
    chosen = {p.customer_id: p for p in Preference.objects.filter(customer_id__in=[c.pk for c, _a in addressed])}
    recipients, delayed = [], 0
    for customer, address in addressed:
        effective = preferences.effective(audience=Audience.CUSTOMER, preference=chosen.get(customer.pk))
        if address in suppressed:
            skipped[Reason.SUPPRESSED.value] += 1
        elif not effective.allows(spec, channel):
            skipped[Reason.PREFERENCE_OFF.value] += 1
        else:
            recipients.append(customer)
            quiet = preferences.quiet_until(at=at, start=effective.quiet_start, end=effective.quiet_end, tz=shop.tzinfo)
            delayed += quiet is not None
    return CampaignAudience(recipients, dict(skipped), delayed)


def _context(*, shop: Shop, customer: Customer, payload: dict[str, Any]) -> dict[str, Any]:
    notification = Notification(shop=shop, customer=customer, kind=KIND, payload=payload, dedupe_key="sample")
    notification.recipient_key = recipient_key_for(user_id=None, customer_id=customer.pk)
    return context_for(notification)


def campaign_sms_text(*, shop: Shop, customer: Customer, payload: dict[str, Any]) -> str:
    """The text ``customer`` would get, word for word."""
    return render_sms(KIND, _context(shop=shop, customer=customer, payload=payload))


def campaign_sample(*, shop: Shop, channel: str, customer: Customer, payload: dict[str, Any]) -> str:
    """What ``customer`` would read: the whole text, or the email's subject and its words (the
    email's footer and links left out)."""
    if channel == "sms":
        return campaign_sms_text(shop=shop, customer=customer, payload=payload)
    email = render_email(KIND, _context(shop=shop, customer=customer, payload=payload))
    body = email.text.split("\n\n\n", 1)[0]  # the greeting and the text, before "Book now" (campaign/body.txt)
    return f"{email.subject} | {' '.join(body.split())}"


def campaign_sms_segments(*, shop: Shop, customers: Iterable[Customer], payload: dict[str, Any]) -> list[int]:
    """How many parts each customer's text takes (gsm7): what it costs."""
    return [gsm7.measure(campaign_sms_text(shop=shop, customer=c, payload=payload)).segments for c in customers]


def campaign_messages_on(*, shop: Shop, at: dt.datetime) -> int:
    """Email and SMS deliveries of the shop's campaigns, not skipped, that go out (or went) on the
    shop's day of ``at``: sent that day, or queued for it (a send time, quiet hours), or made that day
    and not yet given a time. What the per-day cap counts, so a send time cannot get around it."""
    day = at.astimezone(shop.tzinfo).date()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=shop.tzinfo)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=shop.tzinfo)
    return (
        Delivery.objects.filter(notification__shop=shop, notification__kind=KIND, channel__in=CAMPAIGN_CHANNELS)
        .exclude(status=Delivery.Status.SKIPPED)
        .annotate(goes_at=Coalesce("sent_at", "next_attempt_at", "created_at"))
        .filter(goes_at__gte=start, goes_at__lt=end)
        .count()
    )


def campaign_tests_sent(*, shop: Shop, key_prefix: str) -> int:
    """How many test copies were made under ``key_prefix`` (one proposal's)."""
    return Notification.objects.filter(shop=shop, kind="campaign_test", dedupe_key__startswith=key_prefix).count()
