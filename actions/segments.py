"""Groups of a shop's customers an agent can look at or write to (the campaign tool reuses them).

Every figure is a correlated subquery per customer, as in ``bookings.selectors.customers_with_totals``,
so counts and sums never multiply each other through joins, and one query returns the whole group.

- ``overdue``: regulars (2 or more completed visits) whose last visit was ``weeks`` or more ago,
  with nothing booked ahead.
- ``lapsed``: anyone with a completed visit, the last ``weeks`` or more ago, nothing booked ahead.
- ``no_shows``: at least one no-show in the last ``weeks`` weeks.
- ``top_spenders``: the most paid in the last ``weeks`` weeks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from bookings.models import Appointment, Customer, Payment
from bookings.selectors import customers_with_totals
from sixfb.models import Shop

SEGMENTS = ("overdue", "no_shows", "top_spenders", "lapsed")
DEFAULT_WEEKS = {"overdue": 6, "lapsed": 6, "no_shows": 12, "top_spenders": 12}
MAX_WEEKS = 104
REGULAR_VISITS = 2

Status = Appointment.Status
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)


def _per_customer(found: QuerySet, value: object) -> Subquery:
    return Subquery(found.filter(customer=OuterRef("pk")).order_by().values("customer").annotate(v=value).values("v"))


def customer_segment(
    *, shop: Shop, segment: str, weeks: int | None = None, now: dt.datetime, limit: int | None = None
) -> QuerySet[Customer]:
    """The shop's customers in ``segment``, most relevant first, each annotated with ``visits``,
    ``total_spent``, ``last_visit``, ``no_shows`` (in the window) and ``spent_in_period`` (in the
    window). ``limit`` slices the result; leave it out to count or filter the whole group."""
    if segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}")
    weeks = DEFAULT_WEEKS[segment] if weeks is None else weeks
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be 1 to {MAX_WEEKS}")
    since = now - dt.timedelta(weeks=weeks)
    appointments = Appointment.objects.filter(shop=shop)
    last_visit = _per_customer(appointments.filter(status=Status.COMPLETED), Max("start"))
    no_shows = _per_customer(appointments.filter(status=Status.NO_SHOW, start__gte=since, start__lt=now), Count("pk"))
    spent = Subquery(
        Payment.objects.filter(shop=shop, appointment__customer=OuterRef("pk"), paid_at__gte=since, paid_at__lt=now)
        .order_by()
        .values("appointment__customer")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=MONEY,
    )
    booked_ahead = appointments.filter(customer=OuterRef("pk"), start__gt=now, status__in=Appointment.LIVE)
    found = customers_with_totals(shop=shop).annotate(
        last_visit=last_visit,
        no_shows=Coalesce(no_shows, Value(0)),
        spent_in_period=Coalesce(spent, Value(Decimal("0.00")), output_field=MONEY),
    )
    if segment in ("overdue", "lapsed"):
        regular = REGULAR_VISITS if segment == "overdue" else 1
        found = (
            found.filter(Q(visits__gte=regular), last_visit__lt=since)
            .exclude(Exists(booked_ahead))
            .order_by("last_visit", "name")
        )
    elif segment == "no_shows":
        found = found.filter(no_shows__gte=1).order_by("-no_shows", "name")
    else:
        found = found.filter(spent_in_period__gt=0).order_by("-spent_in_period", "name")
    return found[:limit] if limit is not None else found
