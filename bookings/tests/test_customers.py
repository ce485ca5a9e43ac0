"""Customers: one per phone number (E.164), else per email; visits and spend counted from the
records; a merge keeps every appointment and payment."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from bookings import selectors, services
from bookings.models import Appointment, Customer, Payment
from bookings.services import BookingError
from bookings.tests.support import MONDAY, booking_shop, morning_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("(212) 555-0123", "+12125550123"), ("212.555.0123", "+12125550123"), ("+44 20 7946 0958", "+442079460958")],
)
def test_phones_are_stored_in_e164(typed, stored):
    b = booking_shop()
    assert services.customer_create(shop=b.shop, name="Sam", phone=typed).phone == stored


@pytest.mark.parametrize("typed", ["12345", "call me", "+1 999 555 0123", "0" * 50])
def test_an_invalid_phone_is_refused_with_a_field_error(typed):
    b = booking_shop()
    with pytest.raises(BookingError) as caught:
        services.customer_create(shop=b.shop, name="Sam", phone=typed)
    assert caught.value.code == "invalid_phone" and "phone" in caught.value.extra["fields"]
    assert Customer.objects.count() == 1  # the support shop's own customer


def test_one_customer_per_phone_else_per_email_in_each_shop():
    b = booking_shop()
    other = booking_shop(shop_name="Other Shop")
    with pytest.raises(BookingError) as caught:
        services.customer_create(shop=b.shop, name="Dee again", phone="212-555-0101")
    assert caught.value.code == "customer_exists" and caught.value.status == 409
    assert caught.value.extra["customer"] == str(b.customer.pk)
    assert services.customer_create(shop=other.shop, name="Dee", phone="212-555-0102").shop == other.shop
    services.customer_create(shop=b.shop, name="Eve", email="Eve@Example.com")
    with pytest.raises(BookingError):
        services.customer_create(shop=b.shop, name="Eve 2", email="eve@example.COM")
    # The same email with a different phone is a different person (a family sharing an inbox).
    services.customer_create(shop=b.shop, name="Eve's son", email="eve@example.com", phone="212-555-0177")


def test_a_booking_form_finds_the_known_customer_and_never_withdraws_consent():
    b = booking_shop()
    first = services.customer_for_booking(
        shop=b.shop, name="Dee", phone="(212) 555-0101", email="dee@example.com", sms_consent=True
    )
    assert first.pk == b.customer.pk and first.name == "Dee Walker"  # the shop's name for them is kept
    assert first.email == "dee@example.com" and first.sms_consent_at is not None
    again = services.customer_for_booking(shop=b.shop, name="D", phone="+12125550101", sms_consent=False)
    assert again.sms_consent_at == first.sms_consent_at
    new = services.customer_for_booking(shop=b.shop, name="Fay", phone="212 555 0155", email_consent=True)
    assert new.pk != b.customer.pk and new.email_consent_at is not None and new.sms_consent_at is None


def test_visits_and_spend_are_counted_from_appointments_and_payments():
    b = booking_shop()
    now = morning_of(MONDAY, b.shop)
    done = []
    for hhmm in ("10:00", "11:00", "12:00"):
        booked = services.appointment_book(
            shop=b.shop, service=b.cut, start=b.at(MONDAY, hhmm), customer=b.customer, now=now
        )
        done.append(services.appointment_status_set(appointment=booked, status="completed", now=b.at(MONDAY, "17:00")))
    services.payment_record(appointment=done[0], amount="35.00", method="card")
    services.payment_record(appointment=done[1], amount="40.50", method="cash")  # with a tip
    no_show = services.appointment_book(
        shop=b.shop, service=b.cut, start=b.at(MONDAY, "13:00"), customer=b.customer, now=now
    )
    services.appointment_status_set(appointment=no_show, status="no_show", now=b.at(MONDAY, "17:00"))
    found = selectors.get_customer(shop=b.shop, customer_id=b.customer.pk)
    assert found.visits == 3 and found.total_spent == Decimal("75.50")


def test_merging_two_customers_keeps_all_their_appointments_and_payments():
    b = booking_shop()
    now = morning_of(MONDAY, b.shop)
    twin = services.customer_create(
        shop=b.shop, name="Dee W.", email="dee@example.com", notes="Likes a skin fade", tags=["vip"]
    )
    twin.email_consent_at = timezone.now()
    twin.save()
    kept = services.appointment_book(
        shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"), customer=b.customer, now=now
    )
    moved = services.appointment_book(shop=b.shop, service=b.cut, start=b.at(MONDAY, "11:00"), customer=twin, now=now)
    moved = services.appointment_status_set(appointment=moved, status="completed", now=b.at(MONDAY, "12:00"))
    services.payment_record(appointment=moved, amount="35")

    merged = services.customer_merge(keep=b.customer, other=twin)

    assert not Customer.objects.filter(pk=twin.pk).exists()
    assert set(Appointment.objects.filter(customer=merged).values_list("pk", flat=True)) == {kept.pk, moved.pk}
    assert Payment.objects.get().appointment.customer == merged
    assert merged.email == "dee@example.com" and merged.email_consent_at is not None
    assert merged.tags == ["vip"] and "skin fade" in merged.notes
    with pytest.raises(BookingError):
        services.customer_merge(keep=merged, other=merged)
    other = booking_shop(shop_name="Other Shop")
    with pytest.raises(BookingError):
        services.customer_merge(keep=merged, other=other.customer)
    assert Customer.objects.filter(pk=other.customer.pk).exists()
