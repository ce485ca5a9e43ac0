"""Whether a queued notification is still true at the moment it would be sent: a reminder or a
confirmation for an appointment that moved or was cancelled, or a no-show follow-up for a visit
marked completed after all, is skipped (``obsolete``), never sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bookings.models import Appointment
from notifications.models import Notification


def _appointment(notification: Notification) -> Appointment | None:
    return Appointment.objects.filter(
        pk=notification.payload.get("appointment_id"), shop_id=notification.shop_id
    ).first()


def _appointment_unchanged(notification: Notification) -> bool:
    appointment = _appointment(notification)
    if appointment is None or appointment.status not in Appointment.LIVE:
        return False
    start = notification.payload.get("start")
    return start is not None and dt.datetime.fromisoformat(start) == appointment.start


def _still_no_show(notification: Notification) -> bool:
    appointment = _appointment(notification)
    return appointment is not None and appointment.status == Appointment.Status.NO_SHOW


CHECKS: dict[str, Callable[[Notification], bool]] = {
    "booking_confirmation": _appointment_unchanged,
    "booking_reminder_24h": _appointment_unchanged,
    "booking_reminder_2h": _appointment_unchanged,
    "booking_rescheduled": _appointment_unchanged,
    "no_show_followup": _still_no_show,
}


def still_true(notification: Notification) -> bool:
    check = CHECKS.get(notification.kind)
    return check is None or check(notification)
