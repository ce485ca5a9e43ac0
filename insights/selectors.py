"""The owner's numbers, from the shop's own rows, by aggregate queries (no Python loops over rows).

Definitions (``docs/insights.md`` repeats them for people):

- *Bookings*: appointments starting in the period, cancelled ones excluded.
- *Revenue*: payments recorded in the period; *average ticket*: revenue over the appointments paid.
- *Cancellation rate*: cancelled / all appointments starting in the period. *No-show rate*:
  no-shows / (completed + no-shows).
- *New customers*: those with a booking in the period whose first-ever (non-cancelled) booking is in
  it; the others with a booking in it are *returning*.
- *Rebooking rate*: completed visits in the period whose customer has a later non-cancelled booking.
- *Utilisation* per barber: booked minutes (non-cancelled) / working minutes (shifts within the
  shop's hours, days off excluded).
- *Lapsed*: customers whose last completed visit is 6 or more weeks ago, with nothing booked since.
- *Chats*: as billing counts them (``chat.selectors.chats_used``): one per AI reply.
- *Daily*: bookings (as above) and revenue (as above) for each day of the period, on the shop's clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from bookings.availability import load_calendars, working_intervals
from bookings.models import Appointment, Barber, Customer, Payment
from chat.models import Message
from insights.periods import Period
from sixfb.models import Shop

Status = Appointment.Status
NOT_CANCELLED = ~Q(status=Status.CANCELLED)


def _ratio(part: int | Decimal, whole: int | Decimal) -> float | None:
    return None if not whole else round(float(part) / float(whole), 4)


@dataclass(frozen=True)
class Headline:
    bookings: int
    revenue: Decimal
    paid_appointments: int
    average_ticket: Decimal | None
    cancellation_rate: float | None
    no_show_rate: float | None
    new_customers: int
    returning_customers: int
    rebooking_rate: float | None
    chats: int


def headline(*, shop: Shop, period: Period, paid_before: dt.datetime | None = None) -> Headline:
    """The top-line numbers of a period (a handful of aggregate queries); revenue counts payments
    before ``paid_before`` when given, so a day still under way is set against the same hours of
    another."""
    in_period = Appointment.objects.filter(shop=shop, start__gte=period.start, start__lt=period.end)
    counts = in_period.aggregate(
        total=Count("pk"),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        no_show=Count("pk", filter=Q(status=Status.NO_SHOW)),
    )
    paid_end = period.end if paid_before is None else min(period.end, paid_before)
    money = Payment.objects.filter(shop=shop, paid_at__gte=period.start, paid_at__lt=paid_end).aggregate(
        revenue=Sum("amount"), paid=Count("appointment", distinct=True)
    )
    revenue = money["revenue"] or Decimal("0.00")
    paid = money["paid"] or 0
    new, returning = _customer_mix(shop=shop, period=period)
    return Headline(
        bookings=counts["total"] - counts["cancelled"],
        revenue=revenue,
        paid_appointments=paid,
        average_ticket=(revenue / paid).quantize(Decimal("0.01")) if paid else None,
        cancellation_rate=_ratio(counts["cancelled"], counts["total"]),
        no_show_rate=_ratio(counts["no_show"], counts["completed"] + counts["no_show"]),
        new_customers=new,
        returning_customers=returning,
        rebooking_rate=_rebooking_rate(shop=shop, period=period),
        chats=Message.objects.chats()
        .filter(shop=shop, created_at__gte=period.start, created_at__lt=period.end)
        .count(),
    )


def _customer_mix(*, shop: Shop, period: Period) -> tuple[int, int]:
    seen = (
        Appointment.objects.filter(shop=shop)
        .filter(NOT_CANCELLED)
        .values("customer")
        .annotate(first=Min("start"), in_period=Count("pk", filter=Q(start__gte=period.start, start__lt=period.end)))
        .filter(in_period__gt=0)
        .aggregate(
            new=Count("customer", filter=Q(first__gte=period.start)),
            total=Count("customer"),
        )
    )
    return seen["new"], seen["total"] - seen["new"]


def _rebooking_rate(*, shop: Shop, period: Period) -> float | None:
    later = Appointment.objects.filter(customer=OuterRef("customer"), start__gt=OuterRef("start")).filter(NOT_CANCELLED)
    visits = Appointment.objects.filter(
        shop=shop, status=Status.COMPLETED, start__gte=period.start, start__lt=period.end
    ).aggregate(total=Count("pk"), rebooked=Count("pk", filter=Q(Exists(later))))
    return _ratio(visits["rebooked"], visits["total"])


@dataclass(frozen=True)
class BarberUse:
    barber_id: Any
    name: str
    booked_minutes: int
    working_minutes: int
    utilisation: float | None


def utilisation(*, shop: Shop, period: Period) -> list[BarberUse]:
    """Booked over working minutes for each active barber (working time walks the period's days, not rows)."""
    barbers = list(Barber.objects.filter(shop=shop, active=True).order_by("position", "name"))
    booked = dict(
        Appointment.objects.filter(shop=shop, barber__in=barbers, start__gte=period.start, start__lt=period.end)
        .filter(NOT_CANCELLED)
        .values("barber")
        .annotate(minutes=Sum("duration_minutes"))
        .values_list("barber", "minutes")
    )
    calendars = load_calendars(shop=shop, barbers=barbers, first_day=period.first_day, last_day=period.last_day)
    rows = []
    for calendar in calendars:
        working = sum(
            int((end - start).total_seconds() // 60)
            for day in period.each_day()
            for start, end in working_intervals(shop, calendar, day)
        )
        minutes = int(booked.get(calendar.barber.pk) or 0)
        rows.append(BarberUse(calendar.barber.pk, calendar.barber.name, minutes, working, _ratio(minutes, working)))
    return rows


def top_services(*, shop: Shop, period: Period, limit: int = 5) -> list[dict[str, Any]]:
    """The most booked services of the period (by name as booked), with their booked value."""
    return list(
        Appointment.objects.filter(shop=shop, start__gte=period.start, start__lt=period.end)
        .filter(NOT_CANCELLED)
        .values("service_name")
        .annotate(bookings=Count("pk"), value=Sum("price"))
        .order_by("-bookings", "-value", "service_name")[:limit]
    )


def busiest_hours(*, shop: Shop, period: Period) -> list[list[int]]:
    """Bookings by weekday (Monday first) and hour of the day, on the shop's wall clock: 7 x 24 counts."""
    grid = [[0] * 24 for _ in range(7)]
    cells = (
        Appointment.objects.filter(shop=shop, start__gte=period.start, start__lt=period.end)
        .filter(NOT_CANCELLED)
        .annotate(weekday=ExtractIsoWeekDay("start", tzinfo=period.tz), hour=ExtractHour("start", tzinfo=period.tz))
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
        .values_list("weekday", "hour", "n")
    )
    for weekday, hour, n in cells:
        grid[weekday - 1][hour] = n
    return grid


def lapsed_customers(*, shop: Shop, now: dt.datetime, weeks: int = 6, limit: int = 50) -> list[dict[str, Any]]:
    """Customers last seen ``weeks`` or more ago with nothing booked since, longest gone first."""
    since = now - dt.timedelta(weeks=weeks)
    booked_after = Appointment.objects.filter(customer=OuterRef("pk"), start__gt=now).filter(
        status__in=Appointment.LIVE
    )
    return list(
        Customer.objects.filter(shop=shop)
        .annotate(
            last_visit=Max("appointments__start", filter=Q(appointments__status=Status.COMPLETED)),
            visits=Count("appointments", filter=Q(appointments__status=Status.COMPLETED)),
        )
        .filter(last_visit__lt=since)
        .exclude(Exists(booked_after))
        .order_by("last_visit", "name")
        .values("id", "name", "phone", "email", "last_visit", "visits")[:limit]
    )


def chats_by_agent(*, shop: Shop, period: Period) -> list[dict[str, Any]]:
    """AI replies per agent in the period, most used first."""
    return list(
        Message.objects.chats()
        .filter(shop=shop, created_at__gte=period.start, created_at__lt=period.end)
        .values("conversation__agent__slug", "conversation__agent__name")
        .annotate(chats=Count("pk"))
        .order_by("-chats", "conversation__agent__name")
    )


@dataclass(frozen=True)
class Day:
    day: dt.date
    bookings: int
    revenue: Decimal


def daily(*, shop: Shop, period: Period) -> list[Day]:
    """Bookings and revenue for each day of the period (its local days), zeros included: two grouped queries."""
    bookings = dict(
        Appointment.objects.filter(shop=shop, start__gte=period.start, start__lt=period.end)
        .filter(NOT_CANCELLED)
        .annotate(day=TruncDate("start", tzinfo=period.tz))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    revenue = dict(
        Payment.objects.filter(shop=shop, paid_at__gte=period.start, paid_at__lt=period.end)
        .annotate(day=TruncDate("paid_at", tzinfo=period.tz))
        .values("day")
        .annotate(total=Sum("amount"))
        .values_list("day", "total")
    )
    zero = Decimal("0.00")
    return [Day(day, bookings.get(day, 0), revenue.get(day) or zero) for day in period.each_day()]
