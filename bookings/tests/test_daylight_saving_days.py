"""Availability on the days New York's clocks change: only start times that exist, each instant once,
and a service lasting its real length across the change."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from bookings import selectors, services
from bookings.tests.support import booking_shop
from sixfb.models import default_business_hours

pytestmark = pytest.mark.django_db

SPRING_FORWARD = dt.date(2026, 3, 8)  # 02:00 EST becomes 03:00 EDT
FALL_BACK = dt.date(2026, 11, 1)  # 02:00 EDT becomes 01:00 EST


def night_shop():
    """Open from midnight to six on Sundays, so the change falls inside opening hours."""
    hours = default_business_hours()
    hours["sunday"] = {"closed": False, "open": "00:00", "close": "06:00"}
    b = booking_shop(duration=60, hours=hours)
    services.booking_settings_update(shop=b.shop, slot_minutes=30)
    return b


def local(shop, slots) -> list[tuple[str, int]]:
    """Each start as wall time and UTC offset in hours."""
    out = []
    for slot in slots:
        at = slot.start.astimezone(shop.tzinfo)
        out.append((at.strftime("%H:%M"), int(at.utcoffset().total_seconds() // 3600)))
    return out


def test_spring_forward_offers_no_time_in_the_missing_hour():
    b = night_shop()
    before = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    slots = selectors.availability(
        shop=b.shop, service=b.cut, first_day=SPRING_FORWARD, last_day=SPRING_FORWARD, now=before
    )
    assert local(b.shop, slots) == [
        ("00:00", -5), ("00:30", -5), ("01:00", -5), ("01:30", -5),
        ("03:00", -4), ("03:30", -4), ("04:00", -4), ("04:30", -4), ("05:00", -4),
    ]  # fmt: skip
    # 01:30 EST plus one real hour is 03:30 EDT.
    booked = services.appointment_book(
        shop=b.shop, service=b.cut, start=slots[3].start, customer=b.customer, now=before
    )
    assert booked.end - booked.start == dt.timedelta(hours=1)
    assert booked.end.astimezone(b.shop.tzinfo).strftime("%H:%M") == "03:30"
    after = selectors.availability(
        shop=b.shop, service=b.cut, first_day=SPRING_FORWARD, last_day=SPRING_FORWARD, now=before
    )
    assert ("03:00", -4) not in local(b.shop, after) and ("04:00", -4) in local(b.shop, after)


def test_fall_back_offers_the_repeated_hour_twice_as_two_instants():
    b = night_shop()
    before = dt.datetime(2026, 10, 25, tzinfo=dt.UTC)
    slots = selectors.availability(shop=b.shop, service=b.cut, first_day=FALL_BACK, last_day=FALL_BACK, now=before)
    walls = local(b.shop, slots)
    assert len(slots) == 13  # seven real hours open, a 60-minute service, every 30 minutes
    assert ("01:30", -4) in walls and ("01:30", -5) in walls
    assert Counter(w for w, _ in walls)["01:00"] == 2
    # Python compares datetimes of one zone by wall time (fold ignored): count instants.
    assert len({s.start.timestamp() for s in slots}) == len(slots)
    # Booking the first 01:30 (EDT) leaves the second (EST) one hour later free.
    first = next(
        s
        for s in slots
        if (s.start.astimezone(b.shop.tzinfo).strftime("%H:%M"), s.start.utcoffset())
        == ("01:30", dt.timedelta(hours=-4))
    )
    services.appointment_book(shop=b.shop, service=b.cut, start=first.start, customer=b.customer, now=before)
    after = local(
        b.shop, selectors.availability(shop=b.shop, service=b.cut, first_day=FALL_BACK, last_day=FALL_BACK, now=before)
    )
    assert ("01:30", -4) not in after and ("01:00", -5) not in after and ("01:30", -5) in after


def test_daytime_hours_on_a_change_day_offer_the_usual_wall_clock_times():
    hours = default_business_hours()
    hours["sunday"] = {"closed": False, "open": "09:00", "close": "18:00"}
    b = booking_shop(duration=60, hours=hours)
    before = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    change_day = selectors.availability(
        shop=b.shop, service=b.cut, first_day=SPRING_FORWARD, last_day=SPRING_FORWARD, now=before
    )
    week_after = SPRING_FORWARD + dt.timedelta(days=7)
    usual = selectors.availability(shop=b.shop, service=b.cut, first_day=week_after, last_day=week_after, now=before)
    assert [w for w, _ in local(b.shop, change_day)] == [w for w, _ in local(b.shop, usual)]
    assert local(b.shop, change_day)[0] == ("09:00", -4)
