"""Appointment events (``bookings.signals``) → the customer's confirmation, reminders, changes and
follow-up, and the staff's news of online bookings and cancellations.

Reminders go the day before at the same wall-clock time (23 or 25 real hours across a DST change)
and 2 real hours before; they expire at the start and carry the start in their dedupe key, so a
moved appointment gets reminders of its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment
from bookings.public.links import appointment_url
from notifications import links
from notifications.models import Notification, recipient_key_for
from notifications.services.notify import notify
from notifications.services.reminders import reminder_revive, reminders_skip
from notifications.triggers import recipients

REMINDER_KINDS = ("booking_reminder_24h", "booking_reminder_2h")
# After a no-show, the follow-up waits a little (the customer may still call); quiet hours then
# apply as to any message that is not urgent.
NO_SHOW_FOLLOWUP_DELAY = dt.timedelta(hours=3)
STAFF_SOURCES = (Appointment.Source.ONLINE, Appointment.Source.AGENT)


def when(moment: dt.datetime, tz: Any) -> str:
    """``Fri 4 Dec, 10:00 AM`` in the shop's zone."""
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}, {local.hour % 12 or 12}:{local:%M %p}"


def reminder_time(kind: str, start: dt.datetime, tz: Any) -> dt.datetime:
    """When ``kind`` goes for an appointment at ``start``, in UTC."""
    if kind == "booking_reminder_2h":
        return start.astimezone(dt.UTC) - dt.timedelta(hours=2)
    wall = start.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=1)
    # fold=0: a wall time in a spring-forward gap becomes the instant after it; in a repeated hour, the first.
    return wall.replace(tzinfo=tz).astimezone(dt.UTC)


def appointment_payload(appointment: Appointment) -> dict[str, Any]:
    shop = appointment.shop
    return {
        "appointment_id": str(appointment.pk),
        "service": appointment.service_name,
        "barber": appointment.barber.name,
        "start": appointment.start.astimezone(shop.tzinfo).isoformat(),
        "when": when(appointment.start, shop.tzinfo),
        "duration_minutes": appointment.duration_minutes,
        "price": str(appointment.price),
        "manage_url": links.absolute(appointment_url(appointment, shop=shop)),
        "book_url": links.absolute(reverse("book", args=[shop.slug])),
    }


def _load(appointment_id: str, shop_id: int) -> Appointment | None:
    return (
        Appointment.objects.filter(pk=appointment_id, shop_id=shop_id)
        .select_related("shop", "customer", "barber__membership__user")
        .first()
    )


def _reminders(appointment: Appointment, now: dt.datetime) -> None:
    payload = appointment_payload(appointment)
    start_key = appointment.start.astimezone(dt.UTC).isoformat()
    for kind in REMINDER_KINDS:
        at = reminder_time(kind, appointment.start, appointment.shop.tzinfo)
        if at <= now:
            continue  # booked (or moved) too close to the start for this one
        key = f"{kind}:{appointment.pk}:{start_key}"
        made = notify(
            shop=appointment.shop,
            kind=kind,
            customer=appointment.customer,
            dedupe_key=key,
            payload=payload,
            not_before=at,
            expires_at=appointment.start,
        )
        if made is None:  # moved back to a time it had: that time's reminders come back
            recipient = recipient_key_for(user_id=None, customer_id=appointment.customer_id)
            earlier = Notification.objects.filter(
                shop=appointment.shop, recipient_key=recipient, dedupe_key=key
            ).first()
            if earlier is not None:
                reminder_revive(notification=earlier, at=at)


def _confirm(appointment: Appointment, now: dt.datetime) -> None:
    notify(
        shop=appointment.shop,
        kind="booking_confirmation",
        customer=appointment.customer,
        dedupe_key=f"booking_confirmation:{appointment.pk}",
        payload=appointment_payload(appointment),
        expires_at=appointment.start,
    )
    _reminders(appointment, now)


def _tell_staff(appointment: Appointment, kind: str, key: str, **extra: Any) -> None:
    membership = appointment.barber.membership
    payload = {**appointment_payload(appointment), "customer": appointment.customer.name, **extra}
    for user in recipients.managers_and(appointment.shop, membership.user if membership else None):
        notify(shop=appointment.shop, kind=kind, user=user, dedupe_key=key, payload=payload)


@transaction.atomic
def on_booked(*, appointment_id: str, shop_id: int, now: dt.datetime | None = None) -> None:
    """Confirmed at once: the confirmation and reminders. Pending (the shop confirms online bookings
    by hand): they wait for ``on_confirmed``. Staff hear of online and agent bookings, not their own."""
    appointment = _load(appointment_id, shop_id)
    if appointment is None:
        return
    if appointment.status == Appointment.Status.CONFIRMED:
        _confirm(appointment, now or timezone.now())
    if appointment.source in STAFF_SOURCES:
        _tell_staff(appointment, "staff_new_booking", f"staff_new_booking:{appointment.pk}", source=appointment.source)


@transaction.atomic
def on_confirmed(*, appointment_id: str, shop_id: int, now: dt.datetime | None = None) -> None:
    appointment = _load(appointment_id, shop_id)
    if appointment is not None and appointment.status == Appointment.Status.CONFIRMED:
        _confirm(appointment, now or timezone.now())


@transaction.atomic
def on_rescheduled(
    *, appointment_id: str, shop_id: int, previous_start: str | None, now: dt.datetime | None = None
) -> None:
    appointment = _load(appointment_id, shop_id)
    if appointment is None:
        return
    reminders_skip(shop_id=shop_id, appointment_id=appointment_id)
    if not appointment.is_live:
        return
    tz = appointment.shop.tzinfo
    previous = when(dt.datetime.fromisoformat(previous_start), tz) if previous_start else ""
    start_key = appointment.start.astimezone(dt.UTC).isoformat()
    notify(
        shop=appointment.shop,
        kind="booking_rescheduled",
        customer=appointment.customer,
        dedupe_key=f"booking_rescheduled:{appointment.pk}:{start_key}",
        payload={**appointment_payload(appointment), "previous_when": previous},
        expires_at=appointment.start,
    )
    if appointment.status == Appointment.Status.CONFIRMED:
        _reminders(appointment, now or timezone.now())


@transaction.atomic
def on_cancelled(*, appointment_id: str, shop_id: int, by_customer: bool = False) -> None:
    reminders_skip(shop_id=shop_id, appointment_id=appointment_id)
    appointment = _load(appointment_id, shop_id)
    if appointment is None or appointment.status != Appointment.Status.CANCELLED:
        return
    notify(
        shop=appointment.shop,
        kind="booking_cancelled",
        customer=appointment.customer,
        dedupe_key=f"booking_cancelled:{appointment.pk}",
        payload=appointment_payload(appointment),
        expires_at=appointment.start,
    )
    if by_customer:
        _tell_staff(appointment, "staff_booking_cancelled", f"staff_booking_cancelled:{appointment.pk}")


@transaction.atomic
def on_no_show(*, appointment_id: str, shop_id: int, now: dt.datetime | None = None) -> None:
    appointment = _load(appointment_id, shop_id)
    if appointment is None or appointment.status != Appointment.Status.NO_SHOW:
        return
    notify(
        shop=appointment.shop,
        kind="no_show_followup",
        customer=appointment.customer,
        dedupe_key=f"no_show_followup:{appointment.pk}",
        payload=appointment_payload(appointment),
        not_before=(now or timezone.now()) + NO_SHOW_FOLLOWUP_DELAY,
    )
