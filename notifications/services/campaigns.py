"""Sending a campaign: one ``campaign`` notification per customer, on one channel, through ``notify``
(which decides consent, STOP, preferences and quiet hours again for each), within the per-run and
per-day caps; and a test copy of one to a member of the shop's staff. The agents' campaign tool
calls these, after a person approved it; staff code would call the same.

Caps (settings): ``ACTIONS_CAMPAIGN_MAX_RECIPIENTS`` customers a campaign at most, and
``ACTIONS_CAMPAIGN_DAILY_LIMIT`` campaign emails and texts a shop's day, counted on the day they go
out (``campaign_messages_on``).
A campaign over either is refused whole, never cut short: the person is told and chooses.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bookings.models import Customer
from notifications.campaigns import CAMPAIGN_CHANNELS, KIND, campaign_messages_on, campaign_payload
from notifications.models import Delivery
from notifications.services.notify import notify
from sixfb.errors import AppError
from sixfb.models import Shop, User

TEST_KIND = "campaign_test"


class CampaignError(AppError):
    """``too_many_recipients`` (over the per-run cap), ``daily_limit`` (over the per-day cap)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, status=429 if code == "daily_limit" else 400)


@dataclass(frozen=True)
class CampaignSent:
    queued: int  # deliveries on their way (now, at the send time, or when quiet hours end)
    quiet_delayed: int  # of those, held back by the customer's quiet hours
    skipped: dict[str, int] = field(default_factory=dict)  # Delivery.Reason value -> how many
    already: int = 0  # sent before under the same key (a retry): nothing sent again
    gone: int = 0  # no longer the shop's customers


def recipients_cap_check(count: int) -> None:
    cap = settings.ACTIONS_CAMPAIGN_MAX_RECIPIENTS
    if count > cap:
        raise CampaignError(
            "too_many_recipients",
            f"{count} customers would get it; a campaign goes to at most {cap}. Choose a smaller group.",
        )


def daily_cap_check(*, shop: Shop, count: int, at: dt.datetime, now: dt.datetime) -> None:
    """Refuse ``count`` more messages going out at ``at`` when the shop's day of ``at`` would then
    hold more than the cap."""
    limit = settings.ACTIONS_CAMPAIGN_DAILY_LIMIT
    going = campaign_messages_on(shop=shop, at=at)
    if going + count > limit:
        left = max(limit - going, 0)
        day = at.astimezone(shop.tzinfo).date()
        if day == now.astimezone(shop.tzinfo).date():
            counted, retry = f"{going} went today, so {left} are left", "Try tomorrow, or a smaller group."
        else:
            counted = f"{going} go on {day:%a} {day.day} {day:%b}, so {left} are left that day"
            retry = "Choose another day, or a smaller group."
        raise CampaignError(
            "daily_limit", f"Campaigns may send {limit} messages a day; {counted} and this one has {count}. {retry}"
        )


def _uuids(values: Iterable[object]) -> list[UUID]:
    found = []
    for value in values:
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def campaign_send(
    *,
    shop: Shop,
    channel: str,
    customer_ids: Iterable[object],
    subject: str,
    text: str,
    key: str,
    not_before: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> CampaignSent:
    """Queue the campaign for the shop's customers ``customer_ids`` (others' ids are ignored), each
    deduplicated by ``key``: sending the same ``key`` again sends nobody twice."""
    if channel not in CAMPAIGN_CHANNELS:
        raise ValueError(f"A campaign goes by email or sms, not {channel!r}.")
    now = now or timezone.now()
    ids = _uuids(customer_ids)
    recipients_cap_check(len(ids))
    payload = campaign_payload(shop=shop, subject=subject, text=text)
    made, already = [], 0
    with transaction.atomic():
        # One campaign of the shop at a time, so two approved at once cannot both pass the daily cap.
        Shop.objects.select_for_update().filter(pk=shop.pk).first()
        daily_cap_check(shop=shop, count=len(ids), at=max(now, not_before) if not_before else now, now=now)
        customers = {c.pk: c for c in Customer.objects.filter(shop=shop, pk__in=ids)}
        for pk in ids:
            if pk not in customers:
                continue
            notification = notify(
                shop=shop,
                kind=KIND,
                customer=customers[pk],
                dedupe_key=f"campaign:{key}:{pk}"[:200],
                payload=payload,
                not_before=not_before,
                channels=(channel,),
            )
            if notification is None:
                already += 1
            else:
                made.append(notification.pk)
        rows = list(
            Delivery.objects.filter(notification_id__in=made).values_list("status", "reason", "next_attempt_at")
        )
    due = max(now, not_before) if not_before else now
    queued = [at for status, _reason, at in rows if status == Delivery.Status.QUEUED]
    skipped = Counter(reason for status, reason, _at in rows if status == Delivery.Status.SKIPPED)
    return CampaignSent(
        queued=len(queued),
        quiet_delayed=sum(1 for at in queued if at is not None and at > due + dt.timedelta(seconds=1)),
        skipped=dict(skipped),
        already=already,
        gone=len(ids) - len(customers),
    )


def campaign_test_send(
    *, shop: Shop, user: User, channel: str, subject: str, text: str, sms: str, dedupe_key: str
) -> Delivery:
    """Email ``user`` one copy of a campaign as its customers would get it (``sms``: the text
    itself, for a campaign by text), marked as a test. Returns its email delivery."""
    payload = {**campaign_payload(shop=shop, subject=subject, text=text), "channel": channel, "sms": sms}
    notification = notify(shop=shop, kind=TEST_KIND, user=user, dedupe_key=dedupe_key, payload=payload)
    if notification is None:
        raise CampaignError("test_sent_already", "That test was sent already.")
    return notification.deliveries.get(channel="email")
