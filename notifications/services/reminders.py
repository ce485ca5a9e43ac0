"""Reminders that follow their appointment: the queued ones of a moved or cancelled appointment are
skipped (``obsolete``) at once; the send-time check (``notifications.relevance``) catches the rest."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notifications.models import Delivery, Notification
from notifications.services import deliveries

REMINDER_KINDS = ("booking_reminder_24h", "booking_reminder_2h")


def _of_appointment(*, shop_id: int, appointment_id: str) -> dict[str, object]:
    return {
        "notification__shop_id": shop_id,
        "notification__kind__in": REMINDER_KINDS,
        "notification__payload__appointment_id": str(appointment_id),
    }


def reminders_skip(*, shop_id: int, appointment_id: str) -> int:
    """Skip every reminder of the appointment still waiting to go; returns how many."""
    waiting = Delivery.objects.filter(
        status=Delivery.Status.QUEUED, **_of_appointment(shop_id=shop_id, appointment_id=appointment_id)
    )
    return waiting.update(
        status=Delivery.Status.SKIPPED, reason=Delivery.Reason.OBSOLETE, lease_until=None, updated_at=timezone.now()
    )


def reminder_revive(*, notification: Notification, at: dt.datetime) -> int:
    """An appointment moved back to a time it had: its reminders for that time, skipped as obsolete
    when it moved away, are queued again for ``at``."""
    revived = 0
    for delivery in notification.deliveries.filter(status=Delivery.Status.SKIPPED, reason=Delivery.Reason.OBSOLETE):
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SKIPPED).update(
            status=Delivery.Status.QUEUED, reason="", attempts=0, next_attempt_at=at, last_error=""
        )
        if updated:
            deliveries.enqueue(Delivery(pk=delivery.pk, next_attempt_at=at))
            revived += 1
    return revived
