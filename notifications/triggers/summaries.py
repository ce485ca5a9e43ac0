"""The weekly summary: on Monday between 08:00 and 08:59 in each shop's time zone, last week's
appointments, revenue and chats to its owners (one per ISO week, however often the hourly task runs),
the same figures the owner's dashboard shows for that week."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction
from django.utils import timezone

from bookings.availability import settings_for
from insights.periods import Period
from insights.selectors import headline
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


def last_week(*, shop: Shop, now: dt.datetime) -> Period:
    """Last Monday to Sunday, whole days on the shop's wall clock."""
    today = now.astimezone(shop.tzinfo).date()
    monday = today - dt.timedelta(days=today.weekday())
    return Period(monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), shop.tzinfo)


def week_numbers(*, shop: Shop, period: Period) -> dict[str, object]:
    """The week's figures as the owner's dashboard shows them (``insights.selectors.headline``):
    appointments not cancelled, money recorded as paid, chats."""
    numbers = headline(shop=shop, period=period)
    first, last = period.first_day, period.last_day
    label = (
        f"{first.day}-{last.day} {last:%b}"
        if first.month == last.month
        else f"{first.day} {first:%b}-{last.day} {last:%b}"
    )
    return {
        "week": label,
        "bookings": numbers.bookings,
        "revenue": f"{numbers.revenue:,.2f}",
        "currency": settings_for(shop).currency,
        "chats": numbers.chats,
    }


@transaction.atomic
def weekly_summary_send(*, shop: Shop, now: dt.datetime) -> int:
    period = last_week(shop=shop, now=now)
    year, week, _ = period.first_day.isocalendar()
    payload = week_numbers(shop=shop, period=period)
    made = 0
    for owner in recipients.owners(shop):
        key = f"weekly_summary:{year}-W{week:02d}"
        made += notify(shop=shop, kind="weekly_summary", user=owner, dedupe_key=key, payload=payload) is not None
    return made


def weekly_summaries_send(*, now: dt.datetime | None = None) -> int:
    """Every hour: the shops at Monday 08:xx get last week's summary. Returns how many were made."""
    now = now or timezone.now()
    return sum(weekly_summary_send(shop=shop, now=now) for shop in shops_due(now=now))
