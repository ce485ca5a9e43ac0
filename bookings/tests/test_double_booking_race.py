"""No double booking under a real race: concurrent bookings for one barber's slot on PostgreSQL,
each in its own connection and transaction, make exactly one appointment."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from bookings import services
from bookings.models import Appointment
from bookings.services import BookingError
from bookings.tests.support import MONDAY, booking_shop, morning_of

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL's concurrent transactions"),
]

RACERS = 12


def race(b, customers, *, barber, start) -> list[object]:
    """Every racer books at the same moment; returns each one's appointment or error."""
    gate = threading.Barrier(len(customers))
    results: list[object] = [None] * len(customers)

    def racer(i: int) -> None:
        try:
            gate.wait()
            results[i] = services.appointment_book(
                shop=b.shop, service=b.cut, start=start, customer=customers[i], barber=barber,
                now=morning_of(MONDAY, b.shop),
            )  # fmt: skip
        except BookingError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(customers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def customers_for(b, n: int):
    return [services.customer_create(shop=b.shop, name=f"Racer {i}", phone=f"+1212555{i:04d}") for i in range(n)]


def test_concurrent_bookings_of_one_slot_make_exactly_one_appointment():
    b = booking_shop(duration=30)
    results = race(b, customers_for(b, RACERS), barber=b.barbers[0], start=b.at(MONDAY, "10:00"))
    made = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, BookingError)]
    assert len(made) == 1, results
    assert len(refused) == RACERS - 1 and {e.code for e in refused} == {"slot_taken"}
    assert Appointment.objects.filter(barber=b.barbers[0]).count() == 1


def test_overlapping_but_different_starts_race_to_one_appointment_too():
    b = booking_shop(duration=60)
    customers = customers_for(b, 6)
    gate = threading.Barrier(len(customers))
    outcomes: list[str] = []

    def racer(i: int) -> None:
        try:
            gate.wait()
            services.appointment_book(
                shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00") + dt.timedelta(minutes=15 * (i % 3)),
                customer=customers[i], barber=b.barbers[0], now=morning_of(MONDAY, b.shop),
            )  # fmt: skip
            outcomes.append("booked")
        except BookingError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(customers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("booked") == 1, outcomes
    assert Appointment.objects.count() == 1


def test_the_database_itself_refuses_an_overlap_that_skips_the_services():
    b = booking_shop(duration=30)
    booked = services.appointment_book(
        shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"), customer=b.customer, barber=b.barbers[0],
        now=morning_of(MONDAY, b.shop),
    )  # fmt: skip
    copy = Appointment(
        shop=b.shop, customer=b.customer, barber=b.barbers[0], service=b.cut, service_name="Haircut",
        price=booked.price, duration_minutes=30, start=booked.start + dt.timedelta(minutes=10),
        end=booked.end + dt.timedelta(minutes=10), blocked_until=booked.end + dt.timedelta(minutes=10),
    )  # fmt: skip
    with pytest.raises(IntegrityError, match="appointment_no_overlap"), transaction.atomic():
        copy.save()
    copy.status = Appointment.Status.CANCELLED  # only live appointments hold time
    copy.save()
    assert Appointment.objects.count() == 2
