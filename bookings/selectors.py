"""Bookings' reads. Every one is scoped to a shop; another shop's object is a 404 (``Http404``).

A barber (role ``barber``) sees their own column of the calendar only; owners and managers see all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from bookings.availability import (
    Rules,
    Slot,
    barbers_for,
    free_starts,
    load_calendars,
    settings_for,
    validate_range,
)
from bookings.models import Appointment, Barber, BookingSettings, Customer, Payment, Service
from sixfb.models import Membership, Shop

__all__ = ["Slot", "booking_settings_for"]


def booking_settings_for(*, shop: Shop) -> BookingSettings:
    return settings_for(shop)


def _uuid_or_404(value: object) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404("Not found.") from exc


# Services and barbers -------------------------------------------------------------------------


def services_for_shop(*, shop: Shop, active_only: bool = False) -> QuerySet[Service]:
    found = Service.objects.filter(shop=shop).prefetch_related("barbers")
    return found.filter(active=True) if active_only else found


def barbers_for_shop(*, shop: Shop, active_only: bool = False) -> QuerySet[Barber]:
    found = Barber.objects.filter(shop=shop, is_placeholder=False).prefetch_related("shifts", "time_off", "services")
    return found.filter(active=True) if active_only else found


def get_service(*, shop: Shop, service_id: object) -> Service:
    service = Service.objects.filter(shop=shop, pk=_uuid_or_404(service_id)).first()
    if service is None:
        raise Http404("No such service.")
    return service


def get_barber(*, shop: Shop, barber_id: object) -> Barber:
    barber = Barber.objects.filter(shop=shop, pk=_uuid_or_404(barber_id)).first()
    if barber is None:
        raise Http404("No such barber.")
    return barber


def bookable_services(*, shop: Shop) -> QuerySet[Service]:
    """What the public booking page offers: active services that an active barber offers."""
    offered = Q(barbers__active=True, barbers__is_placeholder=False)
    return Service.objects.filter(offered, shop=shop, active=True).distinct().order_by("position", "name")


# Customers ------------------------------------------------------------------------------------


def customers_with_totals(*, shop: Shop) -> QuerySet[Customer]:
    """The shop's customers with ``visits`` (completed appointments) and ``total_spent`` (payments),
    both counted from the records, never typed in."""
    visits = (
        Appointment.objects.filter(customer=OuterRef("pk"), status=Appointment.Status.COMPLETED)
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    spent = (
        Payment.objects.filter(appointment__customer=OuterRef("pk"))
        .order_by()
        .values("appointment__customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Customer.objects.filter(shop=shop).annotate(
        visits=Coalesce(Subquery(visits), Value(0)),
        total_spent=Coalesce(
            Subquery(spent, output_field=DecimalField(max_digits=12, decimal_places=2)),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
    )


def customers_search(*, shop: Shop, query: str = "") -> QuerySet[Customer]:
    """Customers by name, phone digits or email; newest first when there is nothing to search for."""
    found = customers_with_totals(shop=shop)
    query = query.strip()[:100]
    if not query:
        return found.order_by("name")
    digits = "".join(ch for ch in query if ch.isdigit())
    match = Q(name__icontains=query) | Q(email__icontains=query)
    if len(digits) >= 3:
        match |= Q(phone__contains=digits)
    return found.filter(match).order_by("name")


def get_customer(*, shop: Shop, customer_id: object) -> Customer:
    customer = customers_with_totals(shop=shop).filter(pk=_uuid_or_404(customer_id)).first()
    if customer is None:
        raise Http404("No such customer.")
    return customer


def customer_history(*, customer: Customer) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(shop_id=customer.shop_id, customer=customer)
        .select_related("barber")
        .prefetch_related("payments")
        .order_by("-start")
    )


# Appointments ---------------------------------------------------------------------------------


def appointments_visible_to(*, membership: Membership) -> QuerySet[Appointment]:
    """The appointments a member of the shop may see: all of them, or a barber's own."""
    found = Appointment.objects.filter(shop_id=membership.shop_id)
    if membership.role == Membership.Role.BARBER:
        found = found.filter(barber__membership=membership)
    return found.select_related("customer", "barber", "service")


def day_bounds(*, shop: Shop, first_day: dt.date, last_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of ``first_day`` to the start of the day after ``last_day``, in the shop's zone."""
    tz = shop.tzinfo
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return start, end


def appointments_between(
    *, membership: Membership, first_day: dt.date, last_day: dt.date, barber: Barber | None = None
) -> QuerySet[Appointment]:
    start, end = day_bounds(shop=membership.shop, first_day=first_day, last_day=last_day)
    found = appointments_visible_to(membership=membership).filter(start__lt=end, end__gt=start)
    if barber is not None:
        found = found.filter(barber=barber)
    return found.order_by("start", "barber__position")


def get_appointment(*, membership: Membership, appointment_id: object) -> Appointment:
    found = appointments_visible_to(membership=membership).filter(pk=_uuid_or_404(appointment_id)).first()
    if found is None:
        raise Http404("No such appointment.")
    return found


def todays_appointments(*, membership: Membership, now: dt.datetime | None = None) -> QuerySet[Appointment]:
    today = (now or timezone.now()).astimezone(membership.shop.tzinfo).date()
    return appointments_between(membership=membership, first_day=today, last_day=today).exclude(
        status=Appointment.Status.CANCELLED
    )


# Availability ---------------------------------------------------------------------------------


def availability(
    *,
    shop: Shop,
    service: Service,
    first_day: dt.date,
    last_day: dt.date,
    barber: Barber | None = None,
    online: bool = True,
    now: dt.datetime | None = None,
    moving: Appointment | None = None,
) -> list[Slot]:
    """Free start times for ``service`` (with ``barber``, or anyone who offers it), from ``first_day``
    to ``last_day`` in the shop's time zone: working hours, time off, booked time and buffers, and,
    for online booking, the shop's minimum notice and horizon. ``moving``: an appointment being
    moved, whose own time counts as free."""
    validate_range(first_day, last_day)
    if not service.active or (barber is not None and (not barber.active or barber.is_placeholder)):
        return []
    candidates = barbers_for(service=service, barber=barber)
    if not candidates:
        return []
    exclude = moving.pk if moving is not None else None
    calendars = load_calendars(shop=shop, barbers=candidates, first_day=first_day, last_day=last_day, exclude=exclude)
    rules = Rules.for_booking(shop=shop, now=now or timezone.now(), online=online)
    return free_starts(
        shop=shop, service=service, calendars=calendars, first_day=first_day, last_day=last_day, rules=rules
    )


def next_free_slot(*, shop: Shop, now: dt.datetime | None = None, days: int = 14) -> tuple[Service, Slot] | None:
    """The soonest time anyone can take the shop's shortest active service, within ``days``."""
    service = bookable_services(shop=shop).order_by("duration_minutes", "position").first()
    if service is None:
        return None
    now = now or timezone.now()
    today = now.astimezone(shop.tzinfo).date()
    first_day = today
    while first_day <= today + dt.timedelta(days=days):
        last_day = first_day + dt.timedelta(days=6)
        slots = availability(shop=shop, service=service, first_day=first_day, last_day=last_day, online=False, now=now)
        if slots:
            return service, slots[0]
        first_day = last_day + dt.timedelta(days=1)
    return None
