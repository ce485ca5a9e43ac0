"""The booking rules, through the booking services and the availability selector: working hours,
time off, overlaps, buffers, notice, horizon, what a barber offers, and the statuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bookings import selectors, services
from bookings.models import Appointment
from bookings.services import BookingError
from bookings.tests.support import MONDAY, booking_shop, morning_of

pytestmark = pytest.mark.django_db


def starts(shop, slots) -> list[str]:
    return [s.start.astimezone(shop.tzinfo).strftime("%H:%M") for s in slots]


def day_slots(b, day):
    return selectors.availability(
        shop=b.shop, service=b.cut, first_day=day, last_day=day, now=morning_of(MONDAY, b.shop)
    )


def book(b, hhmm: str, *, day=MONDAY, barber=None, source=Appointment.Source.STAFF, **kwargs):
    now = kwargs.pop("now", morning_of(day, b.shop))
    return services.appointment_book(
        shop=b.shop, service=kwargs.pop("service", b.cut), start=b.at(day, hhmm), customer=b.customer,
        barber=barber if barber is not None else b.barbers[0], source=source, now=now, **kwargs,
    )  # fmt: skip


def refused(code: str, call, *args, **kwargs) -> BookingError:
    with pytest.raises(BookingError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def test_a_new_barber_works_the_shops_opening_hours_in_the_shops_time_zone():
    b = booking_shop(duration=60)
    slots = selectors.availability(
        shop=b.shop, service=b.cut, first_day=MONDAY, last_day=MONDAY, now=morning_of(MONDAY, b.shop)
    )
    assert starts(b.shop, slots)[0] == "09:00" and starts(b.shop, slots)[-1] == "17:00"  # 60 minutes before 18:00
    assert len(slots) == 33  # every 15 minutes from 09:00 to 17:00
    assert all(s.start.utcoffset() == dt.timedelta(hours=-5) for s in slots)
    sunday = MONDAY - dt.timedelta(days=1)  # the shop is closed on Sundays
    assert not selectors.availability(
        shop=b.shop, service=b.cut, first_day=sunday, last_day=sunday, now=morning_of(sunday, b.shop)
    )


def test_a_barbers_own_shifts_replace_the_shops_hours_but_stay_inside_them():
    b = booking_shop(duration=30)
    services.barber_hours_set(
        barber=b.barbers[0],
        shifts={
            0: [(dt.time(7, 0), dt.time(10, 0)), (dt.time(17, 0), dt.time(20, 0))],
            1: [(dt.time(12), dt.time(14))],
        },
    )
    monday = starts(b.shop, day_slots(b, MONDAY))
    # 07:00-09:00 and 18:00-20:00 are outside the shop's opening hours (09:00-18:00).
    assert monday == ["09:00", "09:15", "09:30", "17:00", "17:15", "17:30"]
    wednesday = MONDAY + dt.timedelta(days=2)  # no shift that day: not working
    assert not selectors.availability(
        shop=b.shop, service=b.cut, first_day=wednesday, last_day=wednesday, now=morning_of(MONDAY, b.shop)
    )
    refused("outside_hours", book, b, "12:00")
    refused("outside_hours", book, b, "09:45")  # would end at 10:15, after the shift


def test_time_off_removes_the_days_and_refuses_bookings_in_them():
    b = booking_shop()
    services.time_off_add(
        barber=b.barbers[0], first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=1), reason="Holiday"
    )
    for day in (MONDAY, MONDAY + dt.timedelta(days=1)):
        assert not selectors.availability(
            shop=b.shop, service=b.cut, first_day=day, last_day=day, now=morning_of(MONDAY, b.shop)
        )
    assert selectors.availability(
        shop=b.shop, service=b.cut, first_day=MONDAY + dt.timedelta(days=2), last_day=MONDAY + dt.timedelta(days=2),
        now=morning_of(MONDAY, b.shop),
    )  # fmt: skip
    refused("barber_unavailable", book, b, "10:00")
    assert not Appointment.objects.exists()


def test_overlapping_bookings_of_one_barber_are_refused_and_buffers_keep_time_free():
    b = booking_shop(duration=30, buffer=15)
    book(b, "10:00")  # blocks 10:00-10:45
    refused("slot_taken", book, b, "10:00")
    refused("slot_taken", book, b, "10:30")  # inside the buffer
    refused("slot_taken", book, b, "09:45")  # its own 15 minutes of buffer reach 10:30
    assert book(b, "10:45").start == b.at(MONDAY, "10:45")
    assert book(b, "09:15").start == b.at(MONDAY, "09:15")  # 09:15-09:45, buffer until 10:00: fits exactly
    free = starts(b.shop, day_slots(b, MONDAY))
    assert "09:00" not in free and "10:00" not in free and "11:30" in free
    assert Appointment.objects.count() == 3


def test_a_cancelled_appointment_frees_its_time():
    b = booking_shop()
    first = book(b, "10:00")
    services.appointment_cancel(appointment=first, reason="Sick")
    again = book(b, "10:00")
    assert again.pk != first.pk and Appointment.objects.filter(status="cancelled").count() == 1


def test_anyone_gets_the_first_free_barber_and_slots_name_each_barber():
    b = booking_shop(barbers=2)
    first = services.appointment_book(
        shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"), customer=b.customer, now=morning_of(MONDAY, b.shop)
    )
    second = services.appointment_book(
        shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"), customer=b.customer, now=morning_of(MONDAY, b.shop)
    )
    assert {first.barber, second.barber} == set(b.barbers)
    refused(
        "slot_taken", services.appointment_book, shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"),
        customer=b.customer, now=morning_of(MONDAY, b.shop),
    )  # fmt: skip
    slots = selectors.availability(
        shop=b.shop, service=b.cut, first_day=MONDAY, last_day=MONDAY, now=morning_of(MONDAY, b.shop)
    )
    at_nine = [s.barber_id for s in slots if s.start == b.at(MONDAY, "09:00")]
    assert at_nine == [b.barbers[0].pk, b.barbers[1].pk]


def test_a_service_the_barber_does_not_offer_or_an_inactive_one_is_refused():
    b = booking_shop(barbers=2)
    beard = services.service_create(
        shop=b.shop, name="Beard trim", duration_minutes=20, price="15", barbers=[b.barbers[1]]
    )
    refused("service_not_offered", book, b, "10:00", service=beard)
    assert book(b, "10:00", service=beard, barber=b.barbers[1]).service_name == "Beard trim"
    services.service_update(service=beard, active=False)
    refused("service_unavailable", book, b, "11:00", service=beard, barber=b.barbers[1])
    services.barber_update(barber=b.barbers[0], active=False)
    refused("barber_unavailable", book, b, "12:00")


def test_the_past_is_refused_and_online_bookings_keep_the_notice_and_the_horizon():
    b = booking_shop()
    now = b.at(MONDAY, "10:10")
    refused("in_the_past", book, b, "10:00", now=now)
    assert book(b, "10:15", now=now).source == "staff"  # staff can book a walk-in at short notice
    refused("too_soon", book, b, "10:45", now=now, source="online")  # the default notice is an hour
    assert book(b, "11:15", now=now, source="online").status == "confirmed"
    horizon = MONDAY + dt.timedelta(days=61)
    refused("too_far_ahead", book, b, "10:00", day=horizon, now=now, source="online")
    online = selectors.availability(shop=b.shop, service=b.cut, first_day=MONDAY, last_day=MONDAY, now=now)
    assert starts(b.shop, online)[0] == "11:15" or starts(b.shop, online)[0] == "11:45"
    assert all(s.start >= now + dt.timedelta(hours=1) for s in online)


def test_online_bookings_wait_as_pending_when_the_shop_confirms_them_by_hand():
    b = booking_shop()
    services.booking_settings_update(shop=b.shop, confirm_online_bookings=False)
    pending = book(b, "11:00", source="online")
    assert pending.status == "pending"
    refused("slot_taken", book, b, "11:00")  # pending holds the time
    assert services.appointment_status_set(appointment=pending, status="confirmed").status == "confirmed"
    services.booking_settings_update(shop=b.shop, online_booking_enabled=False)
    refused("online_booking_closed", book, b, "12:00", source="online")


def test_price_and_duration_are_copied_at_booking_time():
    b = booking_shop(duration=30)
    booked = book(b, "10:00")
    services.service_update(service=b.cut, price="50.00", duration_minutes=45)
    booked.refresh_from_db()
    assert booked.price == Decimal("35.00") and booked.duration_minutes == 30
    assert booked.end - booked.start == dt.timedelta(minutes=30)


def test_the_same_idempotency_key_makes_one_appointment():
    b = booking_shop()
    first = book(b, "10:00", idempotency_key="form-123")
    again = book(b, "10:00", idempotency_key="form-123")
    assert again.pk == first.pk and Appointment.objects.count() == 1


def test_status_changes_follow_the_allowed_transitions():
    b = booking_shop()
    later = book(b, "15:00")
    refused("invalid_transition", services.appointment_status_set, appointment=later, status="completed",
            now=b.at(MONDAY, "12:00"))  # fmt: skip
    done = services.appointment_status_set(appointment=later, status="completed", now=b.at(MONDAY, "15:40"))
    assert done.status == "completed"
    services.payment_record(appointment=done, amount="35.00", method="cash")
    refused("invalid_transition", services.appointment_status_set, appointment=done, status="no_show",
            now=b.at(MONDAY, "16:00"))  # fmt: skip
    refused("invalid_transition", services.appointment_status_set, appointment=done, status="cancelled")
    refused("invalid_status", services.appointment_status_set, appointment=done, status="archived")
    cancelled = services.appointment_cancel(appointment=book(b, "16:00"))
    refused("invalid_transition", services.appointment_status_set, appointment=cancelled, status="confirmed")
    refused("invalid_transition", services.payment_record, appointment=cancelled, amount="10")


def test_moving_an_appointment_keeps_its_own_time_out_of_the_way():
    b = booking_shop(barbers=2, duration=60)
    booked = book(b, "10:00")
    moved = services.appointment_reschedule(
        appointment=booked, start=b.at(MONDAY, "10:30"), now=morning_of(MONDAY, b.shop)
    )
    assert moved.start == b.at(MONDAY, "10:30") and moved.end == b.at(MONDAY, "11:30")
    other = book(b, "13:00")
    refused("slot_taken", services.appointment_reschedule, appointment=moved, start=b.at(MONDAY, "12:30"),
            now=morning_of(MONDAY, b.shop))  # fmt: skip
    to_ben = services.appointment_reschedule(
        appointment=moved, start=b.at(MONDAY, "13:00"), barber=b.barbers[1], now=morning_of(MONDAY, b.shop)
    )
    assert to_ben.barber == b.barbers[1] and other.barber == b.barbers[0]


def test_customers_cancel_or_move_online_only_until_the_cancellation_window():
    b = booking_shop()
    booked = book(b, "10:00", day=MONDAY + dt.timedelta(days=2))
    day_before = b.at(MONDAY + dt.timedelta(days=1), "11:00")  # 23 hours before: inside the 24-hour window
    refused("too_late_to_cancel", services.appointment_cancel, appointment=booked, by_customer=True, now=day_before)
    refused("too_late_to_cancel", services.appointment_reschedule, appointment=booked, by_customer=True,
            start=b.at(MONDAY + dt.timedelta(days=3), "10:00"), now=day_before)  # fmt: skip
    cancelled = services.appointment_cancel(appointment=booked, by_customer=True, now=b.at(MONDAY, "09:00"))
    assert cancelled.status == "cancelled" and cancelled.cancellation_reason == "Cancelled by the customer"


def test_a_naive_start_is_refused():
    b = booking_shop()
    refused(
        "invalid", services.appointment_book, shop=b.shop, service=b.cut, start=dt.datetime(2026, 12, 7, 10),
        customer=b.customer, now=morning_of(MONDAY, b.shop),
    )  # fmt: skip


def test_another_shops_service_barber_or_customer_is_not_found_and_nothing_is_written():
    b = booking_shop()
    other = booking_shop(shop_name="Other Shop")
    for kwargs in ({"service": other.cut}, {"barber": other.barbers[0]}):
        refused("not_found", book, b, "10:00", **kwargs)
    refused(
        "not_found", services.appointment_book, shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"),
        customer=other.customer, barber=b.barbers[0], now=morning_of(MONDAY, b.shop),
    )  # fmt: skip
    assert not Appointment.objects.exists()


def test_a_range_too_long_or_backwards_is_refused():
    b = booking_shop()
    refused("invalid_range", selectors.availability, shop=b.shop, service=b.cut, first_day=MONDAY,
            last_day=MONDAY - dt.timedelta(days=1))  # fmt: skip
    refused("invalid_range", selectors.availability, shop=b.shop, service=b.cut, first_day=MONDAY,
            last_day=MONDAY + dt.timedelta(days=90))  # fmt: skip


def test_an_idempotency_key_reused_for_another_booking_is_refused():
    b = booking_shop()
    book(b, "10:00", idempotency_key="key-1")
    refused("idempotency_key_reused", book, b, "11:00", idempotency_key="key-1")
    assert Appointment.objects.count() == 1


def test_times_overlapping_an_appointments_own_are_offered_when_moving_it():
    b = booking_shop(duration=60)
    booked = book(b, "10:00")
    assert "10:15" not in starts(b.shop, day_slots(b, MONDAY))
    moving = selectors.availability(
        shop=b.shop, service=b.cut, first_day=MONDAY, last_day=MONDAY, now=morning_of(MONDAY, b.shop), moving=booked
    )
    assert {"10:00", "10:15", "10:45"} <= set(starts(b.shop, moving))
    moved = services.appointment_reschedule(
        appointment=booked, start=b.at(MONDAY, "10:15"), now=morning_of(MONDAY, b.shop)
    )
    assert moved.start == b.at(MONDAY, "10:15")
