"""Whether a queued notification is still true at the moment it would be sent: a reminder for an
appointment that moved or was cancelled is skipped (``obsolete``), never sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bookings.models import Appointment
from notifications.models import Notification


def _appointment_unchanged(notification: Notification) -> bool:
    appointment = Appointment.objects.filter(
        pk=notification.payload.get("appointment_id"), shop_id=notification.shop_id
    ).first()
    if appointment is None or appointment.status not in Appointment.LIVE:
        return False
    start = notification.payload.get("start")
    return start is not None and dt.datetime.fromisoformat(start) == appointment.start


CHECKS: dict[str, Callable[[Notification], bool]] = {
    "booking_reminder_24h": _appointment_unchanged,
    "booking_reminder_2h": _appointment_unchanged,
}


def still_true(notification: Notification) -> bool:
    check = CHECKS.get(notification.kind)
    return check is None or check(notification)
