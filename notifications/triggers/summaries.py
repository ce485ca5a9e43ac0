"""The weekly summary: on Monday between 08:00 and 08:59 in each shop's time zone, last week's
appointments, revenue and chats to its owners (one per ISO week, however often the hourly task runs)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bookings.availability import settings_for
from bookings.models import Appointment, Payment
from chat.selectors import chats_used
from notifications.services.notify import notify
from notifications.triggers import recipients
from sixfb.models import Shop

SEND_HOUR = 8


def shops_due(*, now: dt.datetime) -> list[Shop]:
    """Shops whose local time is Monday 08:xx."""
    zones = Shop.objects.values_list("timezone", flat=True).distinct()
    due = []
    for name in zones:
        local = now.astimezone(zoneinfo.ZoneInfo(name))
        if local.weekday() == 0 and local.hour == SEND_HOUR:
            due.append(name)
    return list(Shop.objects.filter(timezone__in=due).order_by("pk"))


def last_week(*, shop: Shop, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[last Monday 00:00, this Monday 00:00) in the shop's zone."""
    today = now.astimezone(shop.tzinfo).date()
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.datetime.combine(monday - dt.timedelta(days=7), dt.time(), tzinfo=shop.tzinfo)
    return start, dt.datetime.combine(monday, dt.time(), tzinfo=shop.tzinfo)


def week_numbers(*, shop: Shop, start: dt.datetime, end: dt.datetime) -> dict[str, object]:
    """Appointments in the week (any not cancelled), money recorded as paid in it, and chats."""
    bookings = (
        Appointment.objects.filter(shop=shop, start__gte=start, start__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .count()
    )
    revenue = Payment.objects.filter(shop=shop, paid_at__gte=start, paid_at__lt=end).aggregate(total=Sum("amount"))
    total = revenue["total"] or Decimal("0")
    last_day = end - dt.timedelta(days=1)
    label = (
        f"{start.day}-{last_day.day} {last_day:%b}"
        if start.month == last_day.month
        else f"{start.day} {start:%b}-{last_day.day} {last_day:%b}"
    )
    return {
        "week": label,
        "bookings": bookings,
        "revenue": f"{total:,.2f}",
        "currency": settings_for(shop).currency,
        "chats": chats_used(shop=shop, start=start, end=end),
    }


@transaction.atomic
def weekly_summary_send(*, shop: Shop, now: dt.datetime) -> int:
    start, end = last_week(shop=shop, now=now)
    year, week, _ = start.date().isocalendar()
    payload = week_numbers(shop=shop, start=start, end=end)
    made = 0
    for owner in recipients.owners(shop):
        key = f"weekly_summary:{year}-W{week:02d}"
        made += notify(shop=shop, kind="weekly_summary", user=owner, dedupe_key=key, payload=payload) is not None
    return made


def weekly_summaries_send(*, now: dt.datetime | None = None) -> int:
    """Every hour: the shops at Monday 08:xx get last week's summary. Returns how many were made."""
    now = now or timezone.now()
    return sum(weekly_summary_send(shop=shop, now=now) for shop in shops_due(now=now))
