"""Sending a delivery, once, whatever fails: the one place retries are decided.

A delivery is *claimed* with one conditional UPDATE (``queued`` and due → ``sending``, attempts + 1,
a lease), so two workers, or a task enqueued twice, never send it twice. The outcome is written
with another conditional UPDATE. A worker killed while sending leaves ``sending`` with a lease that
runs out; the sweep (every minute) puts it back to ``queued`` and another worker sends it.

The one window this cannot close: a provider that accepted the message just before the worker died,
before ``sent`` was written. Such a delivery is sent again after the lease, with the same
``Message-ID`` (email) so mail clients show it once; ``docs/notifications.md`` says so.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications import channels, kinds, links, relevance
from notifications.channels.base import SendError
from notifications.models import Delivery, Notification
from notifications.rendering import RenderError, render_title
from notifications.services.notify import decide
from sixfb.lib import analytics
from sixfb.lib.retry import RetryPolicy

logger = logging.getLogger(__name__)

# A sweep re-enqueues a queued delivery that is this overdue (its task was lost or never made).
OVERDUE = dt.timedelta(seconds=60)


def retry_policy() -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.NOTIFICATIONS_MAX_ATTEMPTS, base_seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    )


def enqueue(delivery: Delivery) -> None:
    """Once the transaction commits, a task to send ``delivery`` when it is due. A backend that
    cannot defer (the suite's immediate one) gets only what is due now; the sweep enqueues the rest
    when they come due."""
    from notifications.tasks import deliver

    delivery_id, at = str(delivery.pk), delivery.next_attempt_at

    def _enqueue() -> None:
        now = timezone.now()
        if at is not None and at > now + dt.timedelta(seconds=1):
            if deliver.get_backend().supports_defer:
                deliver.using(run_after=at).enqueue(delivery_id)
            return
        deliver.enqueue(delivery_id)

    transaction.on_commit(_enqueue)


def context_for(notification: Notification) -> dict[str, Any]:
    """What a kind's templates see: its payload, the shop, the recipient, and links."""
    spec = kinds.get(notification.kind)
    shop = notification.shop
    person: Any = notification.user if notification.user_id is not None else notification.customer
    name = (getattr(person, "full_name", None) or getattr(person, "name", "") or "").strip()
    return {
        **notification.payload,
        "shop": {"name": shop.name, "phone": shop.phone, "address": shop.address, "slug": shop.slug},
        "recipient": {"name": name, "first_name": name.split(" ")[0] if name else ""},
        "links": links.links_for(
            recipient_key=notification.recipient_key,
            shop_id=shop.pk,
            group=spec.group.value,
            is_customer=notification.customer_id is not None,
        ),
        "site_name": settings.SITE_NAME,
    }


def send_now(delivery: Delivery) -> None:
    """In-app: rendered and pushed in the caller's transaction (the frame leaves after commit)."""
    notification = delivery.notification
    try:
        title = render_title(notification.kind, context_for(notification))
    except RenderError as exc:
        logger.error("notification %s: the %s title cannot be rendered: %s", notification.pk, notification.kind, exc)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, reason=Delivery.Reason.PERMANENT_ERROR, last_error="template error"
        )
        return
    channels.get("in_app").send(delivery, {"title": title})
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=1)


def _claim(delivery_id: str, now: dt.datetime) -> bool:
    lease = now + dt.timedelta(seconds=settings.NOTIFICATIONS_SEND_LEASE_SECONDS)
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED)
        .exclude(channel="in_app")
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + dt.timedelta(seconds=1)))
        .update(status=Delivery.Status.SENDING, lease_until=lease, attempts=F("attempts") + 1, updated_at=now)
    )


def _finish(delivery: Delivery, **fields: Any) -> bool:
    """Write the outcome if this attempt still holds the delivery (the sweep may have taken it back)."""
    return bool(
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, attempts=delivery.attempts).update(
            lease_until=None, updated_at=timezone.now(), **fields
        )
    )


def delivery_attempt(*, delivery_id: str, now: dt.datetime | None = None) -> str:
    """Try to send one delivery; returns what became of it (``sent``, ``retry``, ``failed``,
    ``skipped`` or ``not_due`` when it was not there to claim)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return "not_due"
    delivery = Delivery.objects.select_related(
        "notification__shop", "notification__user", "notification__customer"
    ).get(pk=delivery_id)
    notification = delivery.notification
    spec = kinds.get(notification.kind)
    if notification.expires_at is not None and now >= notification.expires_at:
        _finish(delivery, status=Delivery.Status.SKIPPED, reason=Delivery.Reason.PAST_DUE)
        return "skipped"
    if not relevance.still_true(notification):
        _finish(delivery, status=Delivery.Status.SKIPPED, reason=Delivery.Reason.OBSOLETE)
        return "skipped"
    status, reason, address, at = decide(notification=notification, spec=spec, channel=delivery.channel, now=now)
    if status != Delivery.Status.QUEUED:
        _finish(delivery, status=status, reason=reason)
        return "skipped"
    if at is not None and at > now + dt.timedelta(seconds=1):  # quiet hours began since it was queued
        _finish(delivery, status=Delivery.Status.QUEUED, next_attempt_at=at, attempts=F("attempts") - 1)
        enqueue(Delivery(pk=delivery.pk, next_attempt_at=at))
        return "retry"
    delivery.address = address.lower() if delivery.channel == "email" else address
    try:
        provider_id = channels.get(delivery.channel).send(delivery, context_for(notification))
    except RenderError as exc:
        logger.error("delivery %s: %s template cannot be rendered: %s", delivery.pk, notification.kind, exc)
        _finish(delivery, status=Delivery.Status.FAILED, reason=Delivery.Reason.PERMANENT_ERROR, last_error=str(exc))
        return "failed"
    except SendError as exc:
        return _failed(delivery, error=exc, permanent=exc.permanent, now=now)
    except Exception as exc:  # a bug in a channel: logged with its traceback, retried like an outage
        logger.exception("delivery %s: unexpected error from the %s channel", delivery.pk, delivery.channel)
        return _failed(delivery, error=exc, permanent=False, now=now, logged=True)
    _finish(
        delivery,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        provider_message_id=provider_id[:200],
        address=delivery.address,
        last_error="",
    )
    analytics.track_shop(notification.shop, "notification_sent", channel=delivery.channel, kind=notification.kind)
    return "sent"


def _failed(delivery: Delivery, *, error: Exception, permanent: bool, now: dt.datetime, logged: bool = False) -> str:
    message = f"{type(error).__name__}: {error}"[:2000]
    at = None if permanent else retry_policy().next_attempt_at(delivery.attempts, now=now)
    if at is None:
        reason = Delivery.Reason.PERMANENT_ERROR if permanent else Delivery.Reason.TOO_MANY_ATTEMPTS
        if not logged:
            logger.error(
                "delivery %s (%s) failed for good after %d attempt(s): %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                message,
            )
        _finish(delivery, status=Delivery.Status.FAILED, reason=reason, last_error=message)
        return "failed"
    if not logged:
        logger.warning(
            "delivery %s (%s) attempt %d failed, retrying at %s: %s",
            delivery.pk,
            delivery.channel,
            delivery.attempts,
            at.isoformat(),
            message,
        )
    if _finish(delivery, status=Delivery.Status.QUEUED, next_attempt_at=at, last_error=message):
        enqueue(Delivery(pk=delivery.pk, next_attempt_at=at))
    return "retry"


def deliveries_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Take back deliveries whose worker died while sending (lease over) and enqueue queued ones that
    are overdue (their task lost, or a backend that cannot defer). Run every minute."""
    now = now or timezone.now()
    taken_back = Delivery.objects.filter(status=Delivery.Status.SENDING, lease_until__lt=now).update(
        status=Delivery.Status.QUEUED,
        next_attempt_at=now,
        lease_until=None,
        updated_at=now - OVERDUE * 2,
        last_error="the worker stopped while sending; sent again",
    )
    if taken_back:
        logger.warning("%d delivery(ies) taken back from a worker that stopped while sending", taken_back)
    overdue = list(
        Delivery.objects.filter(status=Delivery.Status.QUEUED, next_attempt_at__lte=now, updated_at__lt=now - OVERDUE)
        .exclude(channel="in_app")
        .values_list("pk", flat=True)[:5000]
    )
    if overdue:
        Delivery.objects.filter(pk__in=overdue).update(updated_at=now)
        for pk in overdue:
            enqueue(Delivery(pk=pk, next_attempt_at=None))
    return {"taken_back": taken_back, "enqueued": len(overdue)}


def delivery_send_again(*, delivery: Delivery) -> bool:
    """The admin's "send again": a failed or skipped delivery is queued now (attempts start over)."""
    updated = (
        Delivery.objects.filter(pk=delivery.pk, status__in=[Delivery.Status.FAILED, Delivery.Status.SKIPPED])
        .exclude(channel="in_app")
        .update(status=Delivery.Status.QUEUED, reason="", attempts=0, next_attempt_at=timezone.now(), last_error="")
    )
    if updated:
        enqueue(Delivery(pk=delivery.pk, next_attempt_at=None))
    return bool(updated)
