"""Free times as the booking page shows them: a week of days, a day's times by part of the day,
and the nearest free times to one that was just taken."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from bookings import selectors
from bookings.models import Appointment, Barber, Service
from sixfb.models import Shop

DAYS_SHOWN = 7
NEAREST_SHOWN = 6
PARTS = (("Morning", dt.time(0)), ("Afternoon", dt.time(12)), ("Evening", dt.time(17)))


@dataclass
class Day:
    date: dt.date
    starts: list[dt.datetime] = field(default_factory=list)


@dataclass
class Week:
    """Seven days from ``first``, each with its free starts; ``chosen`` is the day whose times show."""

    first: dt.date
    days: list[Day]
    chosen: Day | None
    earlier: dt.date | None
    later: dt.date | None

    @property
    def parts(self) -> list[tuple[str, list[dt.datetime]]]:
        if self.chosen is None:
            return []
        grouped: list[tuple[str, list[dt.datetime]]] = []
        for i, (label, begins) in enumerate(PARTS):
            ends = PARTS[i + 1][1] if i + 1 < len(PARTS) else None
            starts = [s for s in self.chosen.starts if s.time() >= begins and (ends is None or s.time() < ends)]
            if starts:
                grouped.append((label, starts))
        return grouped


def bookable_range(shop: Shop, now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """Today and the last day online bookings reach, in the shop's time zone."""
    today = (now or timezone.now()).astimezone(shop.tzinfo).date()
    horizon = selectors.booking_settings_for(shop=shop).horizon_days
    return today, today + dt.timedelta(days=horizon)


def _starts_by_day(
    *,
    shop: Shop,
    service: Service,
    barber: Barber | None,
    first: dt.date,
    last: dt.date,
    moving: Appointment | None = None,
) -> dict[dt.date, list[dt.datetime]]:
    slots = selectors.availability(
        shop=shop, service=service, barber=barber, first_day=first, last_day=last, moving=moving
    )
    by_day: dict[dt.date, list[dt.datetime]] = {}
    for slot in slots:  # with "anyone", one start per time, whoever would take it
        starts = by_day.setdefault(slot.start.date(), [])
        # By instant: on a fall-back night 01:30 comes twice, and Python compares one zone's times by wall clock.
        if not starts or starts[-1].timestamp() != slot.start.timestamp():
            starts.append(slot.start)
    return by_day


def week_of_times(
    *,
    shop: Shop,
    service: Service,
    barber: Barber | None,
    first: dt.date | None,
    day: dt.date | None,
    moving: Appointment | None = None,
) -> Week:
    """The week from ``first`` (today when None: then, if that week is full, the first week with a
    free time), with ``day`` chosen, or else its first day with a free time."""
    today, latest = bookable_range(shop)
    searching = first is None
    first = min(max(first or today, today), latest)
    while True:
        last = min(first + dt.timedelta(days=DAYS_SHOWN - 1), latest)
        by_day = _starts_by_day(shop=shop, service=service, barber=barber, first=first, last=last, moving=moving)
        if by_day or not searching or last >= latest:
            break
        first = last + dt.timedelta(days=1)
    dates = [first + dt.timedelta(days=i) for i in range(DAYS_SHOWN)]
    days = [Day(date=d, starts=by_day.get(d, [])) for d in dates if d <= latest]
    chosen = next((d for d in days if d.date == day), None) or next((d for d in days if d.starts), None)
    earlier = max(first - dt.timedelta(days=DAYS_SHOWN), today) if first > today else None
    later = last + dt.timedelta(days=1) if last < latest else None
    return Week(first=first, days=days, chosen=chosen, earlier=earlier, later=later)


def nearest_times(*, shop: Shop, service: Service, barber: Barber | None, wanted: dt.datetime) -> list[dt.datetime]:
    """Up to six free starts closest to ``wanted``, on its day or the days after, in time order."""
    today, latest = bookable_range(shop)
    first = max(wanted.astimezone(shop.tzinfo).date(), today)
    last = min(first + dt.timedelta(days=DAYS_SHOWN - 1), latest)
    if last < first:
        return []
    by_day = _starts_by_day(shop=shop, service=service, barber=barber, first=first, last=last)
    starts = [s for day_starts in by_day.values() for s in day_starts]
    starts.sort(key=lambda s: abs(s - wanted))
    return sorted(starts[:NEAREST_SHOWN])
