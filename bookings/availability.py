"""When a barber can take a service: free start times, and why one start cannot be booked.

One computation serves both the availability selector and the booking services, so what the booking
page offers is exactly what booking accepts. Times are aware datetimes; a day is a date in the shop's
time zone. Candidate starts step through real (UTC) time from the start of each shift, so a day
with a daylight-saving change offers only start times that exist, each once per instant (on a
fall-back night 01:30 EDT and 01:30 EST are two starts), and a 60-minute service takes 60 real
minutes across the change.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from bookings.errors import BookingError
from bookings.models import Appointment, Barber, BookingSettings, Service, Shift, TimeOff
from sixfb.models import WEEKDAYS, Shop

Interval = tuple[dt.datetime, dt.datetime]
MAX_RANGE_DAYS = 62


@dataclass(frozen=True)
class Slot:
    """A free start: ``start`` in the shop's zone. Python compares two datetimes of one zone by wall
    time, so on a fall-back night compare ``start.timestamp()`` (or the ISO string, which has the offset)."""

    start: dt.datetime
    barber_id: UUID


@dataclass
class BarberCalendar:
    """What one barber's days look like over a range: shifts, days off and busy time."""

    barber: Barber
    shifts: dict[int, list[tuple[dt.time, dt.time]]]
    days_off: list[tuple[dt.date, dt.date]]
    busy_starts: list[dt.datetime] = field(default_factory=list)
    busy_untils: list[dt.datetime] = field(default_factory=list)

    def is_off(self, day: dt.date) -> bool:
        return any(first <= day <= last for first, last in self.days_off)

    def is_busy(self, start: dt.datetime, until: dt.datetime) -> bool:
        """Whether ``[start, until)`` meets booked time. Live appointments of one barber never overlap,
        so sorted by start they are sorted by end too, and the one that starts last before ``until``
        is the only one that can reach past ``start``."""
        i = bisect_left(self.busy_starts, until) - 1
        return i >= 0 and self.busy_untils[i] > start


def parse_hhmm(value: object) -> dt.time | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        return None


def shop_opening(shop: Shop, weekday: int) -> tuple[dt.time, dt.time] | None:
    """The shop's opening hours on a weekday (0 Monday), or None when it is closed or they are unreadable."""
    entry = (shop.business_hours or {}).get(WEEKDAYS[weekday])
    if not isinstance(entry, dict) or entry.get("closed"):
        return None
    opens, closes = parse_hhmm(entry.get("open")), parse_hhmm(entry.get("close"))
    if opens is None or closes is None or closes <= opens:
        return None
    return opens, closes


def _utc(day: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant of a wall time in ``tz``, in UTC. All arithmetic here is on UTC datetimes: Python
    adds to a datetime in a ZoneInfo zone on the wall clock, which is wrong across a change. A wall
    time inside a spring-forward gap is read with the offset before the gap."""
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)


def working_intervals(shop: Shop, calendar: BarberCalendar, day: dt.date) -> list[Interval]:
    """The barber's working time on ``day``: their shifts (the shop's hours if they have none),
    bounded by the shop's opening hours, none on a day off."""
    opening = shop_opening(shop, day.weekday())
    if opening is None or calendar.is_off(day):
        return []
    shifts = calendar.shifts.get(day.weekday()) if calendar.shifts else [opening]
    tz = shop.tzinfo
    intervals = []
    for start, end in shifts or []:
        start, end = max(start, opening[0]), min(end, opening[1])
        if start < end:
            intervals.append((_utc(day, start, tz), _utc(day, end, tz)))
    return intervals


def load_calendars(
    *, shop: Shop, barbers: Iterable[Barber], first_day: dt.date, last_day: dt.date, exclude: UUID | None = None
) -> list[BarberCalendar]:
    """Each barber's shifts, days off and busy time from ``first_day`` to ``last_day``: three queries."""
    barbers = list(barbers)
    ids = [b.pk for b in barbers]
    tz = shop.tzinfo
    # The range's own days, and past their last midnight as far as a buffer can reach (shifts end
    # before midnight; a buffer is at most 240 minutes).
    range_start = dt.datetime.combine(first_day, dt.time(), tzinfo=tz)
    range_end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(4), tzinfo=tz)
    shifts: dict[UUID, dict[int, list[tuple[dt.time, dt.time]]]] = defaultdict(lambda: defaultdict(list))
    for barber_id, weekday, start, end in Shift.objects.filter(barber_id__in=ids).values_list(
        "barber_id", "weekday", "start", "end"
    ):
        shifts[barber_id][weekday].append((start, end))
    days_off: dict[UUID, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for barber_id, first, last in TimeOff.objects.filter(
        barber_id__in=ids, first_day__lte=last_day, last_day__gte=first_day
    ).values_list("barber_id", "first_day", "last_day"):
        days_off[barber_id].append((first, last))
    calendars = {b.pk: BarberCalendar(barber=b, shifts=dict(shifts[b.pk]), days_off=days_off[b.pk]) for b in barbers}
    busy = Appointment.objects.live().filter(barber_id__in=ids).overlapping(range_start, range_end)
    if exclude is not None:
        busy = busy.exclude(pk=exclude)
    for barber_id, busy_start, busy_until in busy.order_by("start").values_list("barber_id", "start", "blocked_until"):
        calendars[barber_id].busy_starts.append(busy_start)
        calendars[barber_id].busy_untils.append(busy_until)
    return [calendars[i] for i in ids]


def settings_for(shop: Shop) -> BookingSettings:
    """The shop's booking rules (the defaults until the owner saves their own)."""
    try:
        return shop.booking_settings
    except BookingSettings.DoesNotExist:
        return BookingSettings(shop=shop)


def barbers_for(*, service: Service, barber: Barber | None = None) -> list[Barber]:
    """Who can take ``service`` (optionally only ``barber``): active, real, and offering it."""
    found = service.barbers.filter(active=True, is_placeholder=False)
    if barber is not None:
        found = found.filter(pk=barber.pk)
    return list(found.order_by("position", "name"))


@dataclass(frozen=True)
class Rules:
    """The limits on a start time: not before ``now``; not before ``earliest`` (now plus the notice,
    online); not after ``latest_day`` (the horizon, online)."""

    now: dt.datetime
    earliest: dt.datetime
    latest_day: dt.date | None

    @classmethod
    def for_booking(cls, *, shop: Shop, now: dt.datetime, online: bool) -> Rules:
        now = now.astimezone(dt.UTC)
        if not online:
            return cls(now=now, earliest=now, latest_day=None)
        settings = settings_for(shop)
        today = now.astimezone(shop.tzinfo).date()
        return cls(
            now=now,
            earliest=now + dt.timedelta(minutes=settings.min_notice_minutes),
            latest_day=today + dt.timedelta(days=settings.horizon_days),
        )


def free_starts(
    *,
    shop: Shop,
    service: Service,
    calendars: Sequence[BarberCalendar],
    first_day: dt.date,
    last_day: dt.date,
    rules: Rules,
) -> list[Slot]:
    """Every start from ``first_day`` to ``last_day`` (shop days) at which a barber can take ``service``,
    ordered by start, then by the barbers' order."""
    step = dt.timedelta(minutes=settings_for(shop).slot_minutes)
    length = dt.timedelta(minutes=service.duration_minutes)
    blocked = length + dt.timedelta(minutes=service.buffer_after_minutes)
    if rules.latest_day is not None:
        last_day = min(last_day, rules.latest_day)
    slots: list[tuple[dt.datetime, int, UUID]] = []
    day = first_day
    while day <= last_day:
        for order, calendar in enumerate(calendars):
            for opens, closes in working_intervals(shop, calendar, day):
                start = opens
                while start + length <= closes:
                    if start >= rules.earliest and not calendar.is_busy(start, start + blocked):
                        slots.append((start, order, calendar.barber.pk))
                    start += step
        day += dt.timedelta(days=1)
    slots.sort(key=lambda s: (s[0], s[1]))
    tz = shop.tzinfo
    return [Slot(start=start.astimezone(tz), barber_id=barber_id) for start, _, barber_id in slots]


def start_problem(
    *, shop: Shop, service: Service, calendar: BarberCalendar, start: dt.datetime, rules: Rules
) -> BookingError | None:
    """Why ``calendar``'s barber cannot take ``service`` at ``start``, or None if they can."""
    barber = calendar.barber
    start = start.astimezone(dt.UTC)
    if start < rules.now:
        return BookingError("in_the_past", "That time has already passed. Please choose a later time.")
    if start < rules.earliest:
        return BookingError("too_soon", "That time is too soon to book online. Please choose a later time.")
    day = start.astimezone(shop.tzinfo).date()
    if rules.latest_day is not None and day > rules.latest_day:
        return BookingError("too_far_ahead", "That date is too far ahead to book online yet.")
    end = start + dt.timedelta(minutes=service.duration_minutes)
    if calendar.is_off(day):
        return BookingError("barber_unavailable", f"{barber.name} is off that day.")
    if not any(opens <= start and end <= closes for opens, closes in working_intervals(shop, calendar, day)):
        return BookingError("outside_hours", f"{barber.name} is not working for the whole of that time.")
    if calendar.is_busy(start, end + dt.timedelta(minutes=service.buffer_after_minutes)):
        return BookingError("slot_taken", "That time has just been taken.")
    return None


def validate_range(first_day: dt.date, last_day: dt.date) -> None:
    if last_day < first_day:
        message = "The range ends before it starts."
        raise BookingError("invalid_range", message, fields={"to": ["Must not be before from."]})
    if (last_day - first_day).days >= MAX_RANGE_DAYS:
        message = f"Ask for at most {MAX_RANGE_DAYS} days at a time."
        raise BookingError("invalid_range", message, fields={"to": [message]})
