"""Booking, moving, cancelling and closing appointments, and recording what was paid.

No double booking: the booking transaction checks the barber's calendar (on SQLite its writes are
serial, ``transaction_mode`` IMMEDIATE, so the check cannot race), and on PostgreSQL an exclusion
constraint on barber and blocked time refuses the second of two racing inserts (migration 0002),
which is answered as ``slot_taken`` like the check's own refusal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from bookings import signals
from bookings.availability import BarberCalendar, Rules, barbers_for, load_calendars, settings_for, start_problem
from bookings.errors import BookingError
from bookings.models import Appointment, Barber, Customer, Payment, Service
from bookings.services.events import appointment_event
from sixfb.flags import ONLINE_BOOKING_ENABLED, switch_is_on
from sixfb.lib import analytics
from sixfb.models import Shop, User

Status = Appointment.Status

# Where staff can take an appointment from each status. Completed and no-show can be swapped, for
# the customer who turned up late after all (or the visit marked by mistake).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.CONFIRMED, Status.CANCELLED, Status.COMPLETED, Status.NO_SHOW}),
    Status.CONFIRMED: frozenset({Status.CANCELLED, Status.COMPLETED, Status.NO_SHOW}),
    Status.COMPLETED: frozenset({Status.NO_SHOW}),
    Status.NO_SHOW: frozenset({Status.COMPLETED}),
    Status.CANCELLED: frozenset(),
}
SIGNAL_FOR: dict[str, Signal] = {
    Status.CONFIRMED: signals.appointment_confirmed,
    Status.CANCELLED: signals.appointment_cancelled,
    Status.COMPLETED: signals.appointment_completed,
    Status.NO_SHOW: signals.appointment_no_show,
}


def _check_offer(*, shop: Shop, service: Service, barber: Barber | None) -> None:
    if service.shop_id != shop.pk or (barber is not None and barber.shop_id != shop.pk):
        raise BookingError("not_found", "No such service or barber.")
    if not service.active:
        raise BookingError("service_unavailable", f"{service.name} is not offered at the moment.")
    if barber is not None:
        if not barber.active or barber.is_placeholder:
            raise BookingError("barber_unavailable", f"{barber.name} is not taking bookings.")
        if not barber.services.filter(pk=service.pk).exists():
            raise BookingError("service_not_offered", f"{barber.name} does not offer {service.name}.")


def _calendars(
    *, shop: Shop, service: Service, barber: Barber | None, start: dt.datetime, exclude: Appointment | None = None
) -> list[BarberCalendar]:
    candidates = barbers_for(service=service, barber=barber)
    if not candidates:
        raise BookingError("service_not_offered", f"Nobody offers {service.name} at the moment.")
    day = start.astimezone(shop.tzinfo).date()
    return load_calendars(
        shop=shop, barbers=candidates, first_day=day, last_day=day, exclude=exclude.pk if exclude else None
    )


def _fits(
    shop: Shop, service: Service, calendars: list[BarberCalendar], start: dt.datetime, rules: Rules
) -> list[Barber]:
    """The barbers who can take ``service`` at ``start``; if none, the first one's reason is raised."""
    problems = [start_problem(shop=shop, service=service, calendar=c, start=start, rules=rules) for c in calendars]
    fitting = [c.barber for c, problem in zip(calendars, problems, strict=True) if problem is None]
    if not fitting:
        # Of several barbers' reasons, "taken" tells the customer most (the time exists, just not free).
        taken = next((p for p in problems if p is not None and p.code == "slot_taken"), None)
        raise taken or problems[0] or BookingError("slot_taken", "That time has just been taken.")
    return fitting


def _aware(start: dt.datetime) -> dt.datetime:
    if timezone.is_naive(start):
        raise BookingError(
            "invalid", "Give the start time with its UTC offset.", fields={"start": ["Needs an offset."]}
        )
    # In UTC, so adding minutes adds real minutes (Python adds on the wall clock within a ZoneInfo zone).
    return start.astimezone(dt.UTC).replace(second=0, microsecond=0)


def appointment_book(
    *,
    shop: Shop,
    service: Service,
    start: dt.datetime,
    customer: Customer,
    barber: Barber | None = None,
    source: str = Appointment.Source.STAFF,
    notes: str = "",
    idempotency_key: str | None = None,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book ``customer`` for ``service`` at ``start`` with ``barber`` (None: whoever is free).

    The same ``idempotency_key`` again returns the appointment it made. Online bookings keep the
    shop's notice and horizon, and wait as pending when the shop confirms them by hand.
    """
    now = now or timezone.now()
    start = _aware(start)
    if idempotency_key:
        done = Appointment.objects.filter(shop=shop, idempotency_key=idempotency_key).first()
        if done is not None:
            return _same_request(done, service=service, start=start, customer=customer, barber=barber)
    if customer.shop_id != shop.pk:
        raise BookingError("not_found", "No such customer.")
    _check_offer(shop=shop, service=service, barber=barber)
    online = source == Appointment.Source.ONLINE
    rules = Rules.for_booking(shop=shop, now=now, online=online)
    if online:
        online_booking_check()
    if online and not settings_for(shop).online_booking_enabled:
        raise BookingError("online_booking_closed", f"{shop.name} is not taking online bookings right now.")
    status = Status.PENDING if online and not settings_for(shop).confirm_online_bookings else Status.CONFIRMED
    with transaction.atomic():
        calendars = _calendars(shop=shop, service=service, barber=barber, start=start)
        for chosen in _fits(shop, service, calendars, start, rules):
            appointment = Appointment(
                shop=shop,
                customer=customer,
                barber=chosen,
                service=service,
                service_name=service.name,
                price=service.price,
                duration_minutes=service.duration_minutes,
                buffer_after_minutes=service.buffer_after_minutes,
                start=start,
                end=start + dt.timedelta(minutes=service.duration_minutes),
                blocked_until=start + dt.timedelta(minutes=service.duration_minutes + service.buffer_after_minutes),
                status=status,
                source=source,
                notes=notes,
                idempotency_key=idempotency_key or "",
                created_by=actor if actor is not None and actor.is_authenticated else None,
                created_at=now,
                status_changed_at=now,
            )
            try:
                with transaction.atomic():
                    appointment.save(force_insert=True)
            except IntegrityError:
                if idempotency_key:
                    done = Appointment.objects.filter(shop=shop, idempotency_key=idempotency_key).first()
                    if done is not None:  # the same request, retried while the first was being saved
                        return _same_request(done, service=service, start=start, customer=customer, barber=barber)
                continue  # PostgreSQL's exclusion constraint: someone took this barber's time just now
            appointment_event(signals.appointment_booked, appointment)
            analytics.track_shop(
                shop,
                "booking_submitted",
                service_id=str(service.pk),  # the name is free text the shop typed ("Fade with Mike")
                value=str(service.price),
                currency=settings_for(shop).currency,
                source=source,
            )
            return appointment
    raise BookingError("slot_taken", "That time has just been taken.")


def _same_request(
    done: Appointment, *, service: Service, start: dt.datetime, customer: Customer, barber: Barber | None
) -> Appointment:
    """The appointment an idempotency key made, if this request is the same booking; a key reused
    for another booking is refused rather than answered with someone else's appointment."""
    same = done.service_id == service.pk and done.start == start and done.customer_id == customer.pk
    if not same or (barber is not None and done.barber_id != barber.pk):
        raise BookingError("idempotency_key_reused", "That idempotency key was used for another booking.")
    return done


def _locked(appointment: Appointment) -> Appointment:
    locked = Appointment.objects.select_for_update().select_related("shop", "service", "barber").get(pk=appointment.pk)
    return locked


def cancellation_deadline(appointment: Appointment) -> dt.datetime:
    """Until when the customer can cancel or move it online."""
    hours = settings_for(appointment.shop).cancellation_window_hours
    return appointment.start.astimezone(dt.UTC) - dt.timedelta(hours=hours)


def online_booking_check() -> None:
    """The ``online_booking_enabled`` kill switch: off, no customer books or moves anything online,
    whatever each shop's own setting says (staff keep booking)."""
    if not switch_is_on(ONLINE_BOOKING_ENABLED):
        message = "Online booking is paused. Nothing was booked or changed; please call the shop."
        raise BookingError("online_booking_paused", message)


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: dt.datetime,
    barber: Barber | None = None,
    by_customer: bool = False,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a live appointment to ``start`` (and ``barber``, if given). Its own time does not block it."""
    now = now or timezone.now()
    start = _aware(start)
    with transaction.atomic():
        appointment = _locked(appointment)
        shop, service = appointment.shop, appointment.service
        if not appointment.is_live:
            raise BookingError(
                "invalid_transition", f"A {appointment.get_status_display().lower()} appointment cannot be moved."
            )
        if by_customer:
            online_booking_check()
        if by_customer and now > cancellation_deadline(appointment):
            raise BookingError(
                "too_late_to_cancel", "It is too late to change this appointment online. Please call the shop."
            )
        target = barber or appointment.barber
        if target.shop_id != shop.pk:
            raise BookingError("not_found", "No such barber.")
        if target.pk != appointment.barber_id:
            _check_offer(shop=shop, service=service, barber=target)
        elif not target.active:
            raise BookingError("barber_unavailable", f"{target.name} is not taking bookings.")
        day = start.astimezone(shop.tzinfo).date()
        calendars = load_calendars(shop=shop, barbers=[target], first_day=day, last_day=day, exclude=appointment.pk)
        rules = Rules.for_booking(shop=shop, now=now, online=by_customer)
        _fits(shop, service, calendars, start, rules)
        previous = appointment.start.astimezone(shop.tzinfo).isoformat()
        length = dt.timedelta(minutes=appointment.duration_minutes)
        appointment.barber, appointment.start, appointment.end = target, start, start + length
        appointment.blocked_until = start + length + dt.timedelta(minutes=appointment.buffer_after_minutes)
        try:
            with transaction.atomic():
                appointment.save(update_fields=["barber", "start", "end", "blocked_until", "updated_at"])
        except IntegrityError as exc:
            raise BookingError("slot_taken", "That time has just been taken.") from exc
        appointment_event(signals.appointment_rescheduled, appointment, previous_start=previous)
    return appointment


def appointment_cancel(
    *, appointment: Appointment, reason: str = "", by_customer: bool = False, now: dt.datetime | None = None
) -> Appointment:
    """Cancel a live appointment. Customers can do it until the shop's cancellation window."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status == Status.CANCELLED:
            return appointment
        if not appointment.is_live:
            raise BookingError(
                "invalid_transition", f"A {appointment.get_status_display().lower()} appointment cannot be cancelled."
            )
        if by_customer and now > cancellation_deadline(appointment):
            raise BookingError("too_late_to_cancel", "It is too late to cancel online. Please call the shop.")
        appointment.status = Status.CANCELLED
        appointment.cancellation_reason = reason.strip()[:280] or ("Cancelled by the customer" if by_customer else "")
        appointment.status_changed_at = now
        appointment.save(update_fields=["status", "cancellation_reason", "status_changed_at", "updated_at"])
        appointment_event(signals.appointment_cancelled, appointment, by_customer=by_customer)
        analytics.track_shop(appointment.shop, "booking_cancelled", by_customer=by_customer, source=appointment.source)
    return appointment


def appointment_status_set(
    *, appointment: Appointment, status: str, reason: str = "", now: dt.datetime | None = None
) -> Appointment:
    """Staff move an appointment along: confirm, cancel, complete or mark a no-show.
    Setting the status it already has changes nothing."""
    now = now or timezone.now()
    if status not in Status.values:
        raise BookingError(
            "invalid_status",
            f"status must be one of: {', '.join(Status.values)}.",
            fields={"status": ["Not a status."]},
        )
    if status == Status.CANCELLED:
        return appointment_cancel(appointment=appointment, reason=reason, now=now)
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status == status:
            return appointment
        if status not in TRANSITIONS[appointment.status]:
            now_is, to_be = appointment.get_status_display().lower(), Status(status).label.lower()
            raise BookingError("invalid_transition", f"A {now_is} appointment cannot become {to_be}.")
        if status in {Status.COMPLETED, Status.NO_SHOW} and appointment.start > now:
            raise BookingError("invalid_transition", "An appointment that has not started yet cannot be closed.")
        if status == Status.NO_SHOW and appointment.payments.exists():
            raise BookingError("invalid_transition", "This visit has a payment recorded; it cannot be a no-show.")
        appointment.status, appointment.status_changed_at = status, now
        appointment.save(update_fields=["status", "status_changed_at", "updated_at"])
        appointment_event(SIGNAL_FOR[status], appointment)
    return appointment


def payment_record(
    *,
    appointment: Appointment,
    amount: Decimal | str,
    method: str = Payment.Method.CARD,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """Money taken for a completed visit (recorded only; nothing is charged)."""
    try:
        value = Decimal(str(amount))
    except ArithmeticError as exc:
        raise BookingError(
            "invalid", "Enter an amount like 35 or 35.50.", fields={"amount": ["Not a number."]}
        ) from exc
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise BookingError(
            "invalid", "Enter a positive amount in whole cents.", fields={"amount": ["Not a valid amount."]}
        )
    if method not in Payment.Method.values:
        raise BookingError(
            "invalid",
            f"method must be one of: {', '.join(Payment.Method.values)}.",
            fields={"method": ["Not a method."]},
        )
    if appointment.status != Status.COMPLETED:
        raise BookingError("invalid_transition", "Record a payment once the visit is completed.")
    return Payment.objects.create(
        shop_id=appointment.shop_id,
        appointment=appointment,
        amount=value,
        method=method,
        paid_at=now or timezone.now(),
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
