"""`seed_demo`: the demo login, and a living month for the demo shop that keeps the domain's rules."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import Counter

import phonenumbers
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bookings import selectors
from bookings.availability import load_calendars, working_intervals
from bookings.models import Appointment, Barber, Customer, Payment, Service, Shift, TimeOff
from sixfb.models import Shop, User

pytestmark = pytest.mark.django_db

DEMO_EMAIL, DEMO_PASSWORD = "demo@6fb.local", "demo-barber-2026"


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def demo_shop(debug) -> Shop:
    seed()
    return Shop.objects.get(memberships__user__email=DEMO_EMAIL)


def counts(shop: Shop) -> dict[str, int]:
    return {
        "barbers": Barber.objects.filter(shop=shop).count(),
        "shifts": Shift.objects.filter(barber__shop=shop).count(),
        "time_off": TimeOff.objects.filter(barber__shop=shop).count(),
        "services": Service.objects.filter(shop=shop).count(),
        "customers": Customer.objects.filter(shop=shop).count(),
        "appointments": Appointment.objects.filter(shop=shop).count(),
        "payments": Payment.objects.filter(shop=shop).count(),
    }


def test_the_demo_owner_can_sign_in_with_the_printed_password(debug, client):
    output = seed()
    assert f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}" in output
    assert client.login(email=DEMO_EMAIL, password=DEMO_PASSWORD)
    assert Shop.objects.filter(memberships__user__email=DEMO_EMAIL).count() == 1


def test_the_demo_shop_gets_barbers_with_their_own_hours_and_a_day_off(demo_shop):
    barbers = list(Barber.objects.filter(shop=demo_shop))
    assert len(barbers) == 3
    weeks = [{(s.weekday, s.start, s.end) for s in barber.shifts.all()} for barber in barbers]
    assert all(weeks) and len({frozenset(week) for week in weeks}) == 3  # each works a week of their own
    assert TimeOff.objects.filter(barber__shop=demo_shop).count() == 1


def test_the_demo_shop_offers_eight_priced_services(demo_shop):
    services = list(Service.objects.filter(shop=demo_shop))
    assert len(services) == 8 and len({s.name for s in services}) == 8
    assert all(s.price > 0 and s.duration_minutes >= 15 and s.barbers.exists() for s in services)
    assert any(s.buffer_after_minutes for s in services)


def test_customers_have_valid_unique_phones_and_some_emails_and_consent(demo_shop):
    customers = list(Customer.objects.filter(shop=demo_shop))
    assert 140 <= len(customers) <= 160
    phones = [c.phone for c in customers]
    assert len(set(phones)) == len(phones)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in phones)
    with_email = [c for c in customers if c.email]
    assert 0 < len(with_email) < len(customers)
    assert any(c.email_consent_at for c in with_email) and any(c.sms_consent_at for c in customers)


def test_a_month_of_appointments_past_and_future_with_no_shows_and_cancellations(demo_shop):
    now = timezone.now()
    appointments = Appointment.objects.filter(shop=demo_shop)
    assert 550 <= appointments.count() <= 650
    statuses = Counter(appointments.values_list("status", flat=True))
    assert statuses[Appointment.Status.NO_SHOW] > 0 and statuses[Appointment.Status.CANCELLED] > 0
    assert statuses[Appointment.Status.COMPLETED] > statuses[Appointment.Status.NO_SHOW]
    assert appointments.filter(start__lt=now - dt.timedelta(days=14)).exists()
    assert appointments.filter(start__gt=now + dt.timedelta(days=7)).exists()
    # Nothing in the future is closed already, nothing past the visit is still waiting.
    assert not appointments.filter(end__gt=now, status__in=[Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW])
    assert not appointments.filter(end__lte=now, status__in=Appointment.LIVE)


def test_every_completed_visit_has_its_payment_mostly_by_card(demo_shop):
    completed = Appointment.objects.filter(shop=demo_shop, status=Appointment.Status.COMPLETED)
    payments = Payment.objects.filter(shop=demo_shop)
    assert payments.count() == completed.count() > 0
    assert set(payments.values_list("appointment__status", flat=True)) == {Appointment.Status.COMPLETED}
    assert all(p.amount == p.appointment.price for p in payments.select_related("appointment"))
    methods = Counter(payments.values_list("method", flat=True))
    assert methods[Payment.Method.CARD] > methods[Payment.Method.CASH] > 0
    # The customers' totals are derived from these payments.
    spent = sum(c.total_spent for c in selectors.customers_with_totals(shop=demo_shop))
    assert spent == sum(p.amount for p in payments)


def test_no_two_live_appointments_of_a_barber_overlap(demo_shop):
    by_barber: dict[object, list[Appointment]] = {}
    for appointment in Appointment.objects.filter(shop=demo_shop).live().order_by("start"):
        by_barber.setdefault(appointment.barber_id, []).append(appointment)
    assert len(by_barber) == 3
    for booked in by_barber.values():
        for earlier, later in itertools.pairwise(booked):
            assert earlier.blocked_until <= later.start, (earlier, later)


def test_every_appointment_lies_within_its_barbers_working_hours(demo_shop):
    appointments = list(Appointment.objects.filter(shop=demo_shop))
    tz = demo_shop.tzinfo
    days = [a.start.astimezone(tz).date() for a in appointments]
    calendars = load_calendars(
        shop=demo_shop, barbers=Barber.objects.filter(shop=demo_shop), first_day=min(days), last_day=max(days)
    )
    by_barber = {c.barber.pk: c for c in calendars}
    offered = set(Service.barbers.through.objects.values_list("barber_id", "service_id"))
    for appointment, day in zip(appointments, days, strict=True):
        calendar = by_barber[appointment.barber_id]
        assert not calendar.is_off(day), appointment
        intervals = working_intervals(demo_shop, calendar, day)
        assert any(opens <= appointment.start and appointment.end <= closes for opens, closes in intervals)
        assert (appointment.barber_id, appointment.service_id) in offered


def test_the_demo_shop_has_free_times_to_book_next_week(demo_shop):
    service = Service.objects.get(shop=demo_shop, name="Classic Haircut")
    today = timezone.localdate(timezone=demo_shop.tzinfo)
    slots = selectors.availability(
        shop=demo_shop, service=service, first_day=today + dt.timedelta(days=1), last_day=today + dt.timedelta(days=7)
    )
    assert len({slot.barber_id for slot in slots}) == 3
    day_off = TimeOff.objects.get(barber__shop=demo_shop)
    off_day_starts = [s for s in slots if s.start.date() == day_off.first_day]
    assert off_day_starts and all(s.barber_id != day_off.barber_id for s in off_day_starts)


def test_running_it_again_keeps_what_was_booked_and_reset_rebuilds_without_duplicates(demo_shop):
    before = counts(demo_shop)
    Appointment.objects.filter(shop=demo_shop, status=Appointment.Status.CONFIRMED).first().delete()
    seed()
    assert counts(demo_shop)["appointments"] == before["appointments"] - 1
    seed("--reset")
    assert counts(demo_shop) == before
    assert User.objects.filter(email=DEMO_EMAIL).count() == 1
    assert Shop.objects.filter(memberships__user__email=DEMO_EMAIL).count() == 1


def test_no_business_leaves_the_shops_business_alone(demo_shop):
    before = counts(demo_shop)
    Appointment.objects.filter(shop=demo_shop, status=Appointment.Status.CONFIRMED).first().delete()
    seed("--no-business")
    assert counts(demo_shop)["appointments"] == before["appointments"] - 1


def test_no_business_on_a_fresh_database_makes_only_the_login(debug):
    seed("--no-business")
    shop = Shop.objects.get(memberships__user__email=DEMO_EMAIL)
    assert set(counts(shop).values()) == {0}


def test_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed()
    assert not User.objects.filter(email=DEMO_EMAIL).exists()
    assert not Appointment.objects.exists()
