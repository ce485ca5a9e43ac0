"""The owner's numbers against a week computed by hand (America/New_York, the week of Mon 30 Nov 2026),
with appointments at the period's edges on the shop's wall clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Appointment, Customer, Payment, Service, TimeOff
from bookings.services import barber_create
from insights import selectors
from insights.periods import Period, PeriodError, parse
from tests.base import make_owner

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 11, 30)


@pytest.fixture
def week():
    _owner, shop = make_owner(shop_name="Fresh Cuts")
    tz = shop.tzinfo
    ana, ben = barber_create(shop=shop, name="Ana"), barber_create(shop=shop, name="Ben")
    TimeOff.objects.create(barber=ben, first_day=dt.date(2026, 12, 3), last_day=dt.date(2026, 12, 3))
    cut = Service.objects.create(shop=shop, name="Haircut", duration_minutes=30, price=Decimal("35.00"))
    beard = Service.objects.create(shop=shop, name="Beard", duration_minutes=60, price=Decimal("50.00"))
    people = {n: Customer.objects.create(shop=shop, name=n) for n in ["C1", "C2", "C3", "C4", "C5", "C6"]}

    def book(who, barber, day, hhmm, status, service=cut):
        start = dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=tz)
        end = start + dt.timedelta(minutes=service.duration_minutes)
        return Appointment.objects.create(
            shop=shop,
            customer=people[who],
            barber=barber,
            service=service,
            service_name=service.name,
            price=service.price,
            duration_minutes=service.duration_minutes,
            start=start,
            end=end,
            blocked_until=end,
            status=status,
        )

    S = Appointment.Status
    old = book("C1", ana, dt.date(2026, 10, 1), "10:00", S.COMPLETED)  # before: C1 is returning
    one = book("C1", ana, MON, "10:00", S.COMPLETED)
    two = book("C2", ana, MON + dt.timedelta(days=1), "10:00", S.COMPLETED)
    book("C2", ana, dt.date(2026, 12, 20), "10:00", S.CONFIRMED)  # C2 rebooked
    book("C3", ben, MON + dt.timedelta(days=1), "15:00", S.NO_SHOW, service=beard)
    book("C1", ben, MON + dt.timedelta(days=2), "10:00", S.CANCELLED)
    book("C4", ben, MON + dt.timedelta(days=6), "23:30", S.CONFIRMED)  # Sunday 23:30 = Monday 04:30 UTC: in
    book("C5", ben, MON - dt.timedelta(days=1), "23:30", S.CONFIRMED)  # Sunday before = 04:30 UTC on Mon: out
    book("C6", ana, dt.date(2026, 10, 1), "11:00", S.COMPLETED)  # last seen in October: lapsed
    Payment.objects.create(shop=shop, appointment=old, amount=Decimal("35.00"), paid_at=old.end)
    Payment.objects.create(shop=shop, appointment=one, amount=Decimal("35.00"), paid_at=one.end)
    Payment.objects.create(shop=shop, appointment=two, amount=Decimal("40.00"), paid_at=two.end)  # with a tip
    return shop, Period(MON, MON + dt.timedelta(days=6), tz)


def test_headline_numbers(week):
    shop, period = week
    numbers = selectors.headline(shop=shop, period=period)
    assert numbers.bookings == 4  # C1 Mon, C2 Tue, C3 Tue (no-show), C4 Sun night; the cancelled one out
    assert numbers.revenue == Decimal("75.00")
    assert numbers.paid_appointments == 2
    assert numbers.average_ticket == Decimal("37.50")
    assert numbers.cancellation_rate == 0.2  # 1 of 5
    assert numbers.no_show_rate == pytest.approx(1 / 3, abs=1e-4)  # 1 of (2 completed + 1 no-show)
    assert (numbers.new_customers, numbers.returning_customers) == (3, 1)  # C2, C3, C4 new; C1 returning
    assert numbers.rebooking_rate == 0.5  # C2 rebooked; C1's later booking was cancelled
    assert numbers.chats == 0


def test_an_empty_period_has_zeros_and_no_rates(week):
    shop, _ = week
    empty = Period(dt.date(2025, 1, 6), dt.date(2025, 1, 12), shop.tzinfo)
    numbers = selectors.headline(shop=shop, period=empty)
    assert (numbers.bookings, numbers.revenue, numbers.average_ticket) == (0, Decimal("0.00"), None)
    assert (numbers.cancellation_rate, numbers.no_show_rate, numbers.rebooking_rate) == (None, None, None)
    assert selectors.busiest_hours(shop=shop, period=empty) == [[0] * 24 for _ in range(7)]


def test_utilisation_per_barber(week):
    shop, period = week
    rows = {row.name: row for row in selectors.utilisation(shop=shop, period=period)}
    # Mon-Sat 09:00-18:00 = 3,240 minutes; Ben is off on Thursday (2,700).
    assert (rows["Ana"].booked_minutes, rows["Ana"].working_minutes) == (60, 3240)
    assert (rows["Ben"].booked_minutes, rows["Ben"].working_minutes) == (90, 2700)  # no-show 60 + Sunday 30
    assert rows["Ben"].utilisation == pytest.approx(90 / 2700, abs=1e-4)


def test_top_services_and_busiest_hours_on_the_shops_clock(week):
    shop, period = week
    assert selectors.top_services(shop=shop, period=period) == [
        {"service_name": "Haircut", "bookings": 3, "value": Decimal("105.00")},
        {"service_name": "Beard", "bookings": 1, "value": Decimal("50.00")},
    ]
    grid = selectors.busiest_hours(shop=shop, period=period)
    assert grid[0][10] == 1 and grid[1][10] == 1 and grid[1][15] == 1 and grid[6][23] == 1
    assert sum(map(sum, grid)) == 4


def test_lapsed_customers(week):
    shop, _ = week
    now = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)
    lapsed = selectors.lapsed_customers(shop=shop, now=now)
    assert [(row["name"], row["visits"]) for row in lapsed] == [("C6", 1)]


def test_period_parameters():
    import zoneinfo

    tz = zoneinfo.ZoneInfo("America/New_York")
    today = dt.date(2026, 12, 7)
    assert parse(days="7", first=None, last=None, today=today, tz=tz).first_day == dt.date(2026, 12, 1)
    assert parse(days=None, first=None, last=None, today=today, tz=tz).days == 30
    custom = parse(days=None, first="2026-11-01", last="2026-11-30", today=today, tz=tz)
    assert (custom.days, custom.previous().first_day) == (30, dt.date(2026, 10, 2))
    for bad in [
        {"days": "8"},
        {"first": "2026-11-30", "last": "2026-11-01"},
        {"first": "x", "last": "y"},
        {"first": "2025-01-01", "last": "2026-12-01"},
        {"first": "9999-12-31", "last": "9999-12-31"},
        {"first": "0001-01-01", "last": "0001-01-01"},
        {"first": "1999-12-31", "last": "2000-01-02"},
        {"first": "2027-12-08", "last": "2027-12-09"},  # more than a year ahead of 2026-12-07
    ]:
        with pytest.raises(PeriodError) as caught:
            parse(days=bad.get("days"), first=bad.get("first"), last=bad.get("last"), today=today, tz=tz)
        assert caught.value.code == "invalid_period" and caught.value.status == 400


def test_daily_bookings_and_revenue_on_the_shops_clock(week):
    shop, period = week
    days = selectors.daily(shop=shop, period=period)
    assert [(d.day.isoformat(), d.bookings, d.revenue) for d in days] == [
        ("2026-11-30", 1, Decimal("35.00")),  # C1, paid 35
        ("2026-12-01", 2, Decimal("40.00")),  # C2 (paid 40 with a tip) and C3's no-show
        ("2026-12-02", 0, Decimal("0.00")),  # C1's cancelled one does not count
        ("2026-12-03", 0, Decimal("0.00")),
        ("2026-12-04", 0, Decimal("0.00")),
        ("2026-12-05", 0, Decimal("0.00")),
        ("2026-12-06", 1, Decimal("0.00")),  # C4 at 23:30 local, Monday 04:30 UTC
    ]
    assert sum(d.bookings for d in days) == selectors.headline(shop=shop, period=period).bookings
    empty = Period(dt.date(2025, 1, 6), dt.date(2025, 1, 7), shop.tzinfo)
    assert [(d.bookings, d.revenue) for d in selectors.daily(shop=shop, period=empty)] == [(0, Decimal("0.00"))] * 2
