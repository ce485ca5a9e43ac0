"""The bookings API as outside clients use it: `/api/v1/services/`, `barbers/`, `customers/`,
`availability/` and `appointments/`, with the contract's fields, conflicts and idempotent retries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import Appointment, Barber, Customer, Service
from bookings.services import (
    appointment_book,
    appointment_status_set,
    customer_create,
    customer_for_booking,
    payment_record,
)
from bookings.tests.api_support import api_client, at, post, shop_setup, working_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return shop_setup()


@pytest.fixture
def api(setup):
    return api_client(setup.owner)


def book(setup, start, customer=None, barber=None, **kwargs) -> Appointment:
    customer = customer or customer_for_booking(shop=setup.shop, name="Sam", phone="+12125550123")
    return appointment_book(
        shop=setup.shop, service=setup.cut, start=start, customer=customer, barber=barber or setup.ana, **kwargs
    )


# --- Services and barbers ---------------------------------------------------------------------


def test_services_answer_the_contract_fields(setup, api):
    response = api.get("/api/v1/services/")
    assert response.status_code == 200
    (service,) = response.json()
    assert {"id", "name", "duration_minutes", "price", "active", "barbers"} <= set(service)
    assert service["id"] == str(setup.cut.pk)
    assert (service["name"], service["duration_minutes"], service["price"], service["active"]) == (
        "Haircut",
        30,
        "35.00",
        True,
    )
    assert sorted(service["barbers"]) == sorted([str(setup.ana.pk), str(setup.ben.pk)])


def test_an_owner_adds_a_service_offered_by_the_barbers_named(setup, api):
    body = {"name": "Beard trim", "duration_minutes": 20, "price": "15.50", "barbers": [str(setup.ben.pk)]}
    response = post(api, "/api/v1/services/", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["price"] == "15.50" and created["barbers"] == [str(setup.ben.pk)] and created["active"] is True
    service = Service.objects.get(pk=created["id"], shop=setup.shop)
    assert service.price == Decimal("15.50")
    assert list(service.barbers.all()) == [setup.ben]


def test_a_service_without_barbers_named_is_offered_by_every_active_barber(setup, api):
    response = post(api, "/api/v1/services/", {"name": "Shave", "duration_minutes": 25, "price": "20"})
    assert response.status_code == 201, response.content
    assert sorted(response.json()["barbers"]) == sorted([str(setup.ana.pk), str(setup.ben.pk)])


def test_a_price_with_fractions_of_a_cent_is_refused_with_its_field(setup, api):
    response = post(api, "/api/v1/services/", {"name": "Shave", "duration_minutes": 25, "price": "20.005"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "price" in response.json()["fields"]
    assert not Service.objects.filter(name="Shave").exists()


def test_a_new_barber_works_the_shops_opening_hours(setup, api):
    response = post(api, "/api/v1/barbers/", {"name": "Cleo"})
    assert response.status_code == 201, response.content
    assert {"id", "name", "active"} <= set(response.json())
    cleo = Barber.objects.get(pk=response.json()["id"], shop=setup.shop)
    assert cleo.name == "Cleo" and cleo.active and not cleo.shifts.exists()

    day = working_day(setup.shop)
    slots = api.get(
        "/api/v1/availability/", {"service": setup.cut.pk, "barber": cleo.pk, "from": day, "to": day}
    ).json()["slots"]
    assert slots[0]["start"] == at(setup.shop, day, 9).isoformat()
    assert slots[-1]["start"] == at(setup.shop, day, 17, 30).isoformat()
    assert {s["barber"] for s in slots} == {str(cleo.pk)}
    assert [b["name"] for b in api.get("/api/v1/barbers/").json()] == ["Ana", "Cleo", "Ben"]


# --- Customers --------------------------------------------------------------------------------


def test_customers_answer_visits_and_spend_counted_from_their_appointments(setup, api):
    start = at(setup.shop, working_day(setup.shop, days_ahead=-7), 10)
    sam = customer_create(shop=setup.shop, name="Sam", phone="+12125550123", email="sam@example.com")
    visit = book(setup, start, customer=sam, now=start - dt.timedelta(days=1))
    visit = appointment_status_set(appointment=visit, status="completed")
    payment_record(appointment=visit, amount="40.00")

    (customer,) = api.get("/api/v1/customers/").json()
    assert {k: customer[k] for k in ("id", "name", "phone", "email", "visits", "total_spent")} == {
        "id": str(sam.pk),
        "name": "Sam",
        "phone": "+12125550123",
        "email": "sam@example.com",
        "visits": 1,
        "total_spent": "40.00",
    }


def test_customers_are_searched_by_name_phone_or_email(setup, api):
    customer_create(shop=setup.shop, name="Sam Lee", phone="+12125550123")
    customer_create(shop=setup.shop, name="Ola Ray", email="ola@example.com")
    assert [c["name"] for c in api.get("/api/v1/customers/", {"q": "5550123"}).json()] == ["Sam Lee"]
    assert [c["name"] for c in api.get("/api/v1/customers/", {"q": "ola@"}).json()] == ["Ola Ray"]
    assert [c["name"] for c in api.get("/api/v1/customers/", {"limit": 1, "offset": 1}).json()] == ["Sam Lee"]


def test_a_new_customer_is_stored_with_a_normalised_phone(setup, api):
    response = post(api, "/api/v1/customers/", {"name": "Sam", "phone": "(212) 555-0123", "email": "sam@example.com"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["phone"], body["visits"], body["total_spent"]) == ("+12125550123", 0, "0.00")
    assert Customer.objects.get(pk=body["id"], shop=setup.shop).phone == "+12125550123"


def test_a_customer_the_shop_already_has_is_a_409(setup, api):
    sam = customer_create(shop=setup.shop, name="Sam", phone="+12125550123")
    response = post(api, "/api/v1/customers/", {"name": "Samuel", "phone": "212 555 0123"})
    assert response.status_code == 409
    assert response.json()["code"] == "customer_exists" and response.json()["customer"] == str(sam.pk)
    assert Customer.objects.filter(shop=setup.shop).count() == 1


def test_an_invalid_phone_is_a_400_naming_the_phone(setup, api):
    response = post(api, "/api/v1/customers/", {"name": "Sam", "phone": "12"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone" and "phone" in response.json()["fields"]


# --- Availability and booking -------------------------------------------------------------------


def test_availability_lists_free_starts_with_the_shops_offset(setup, api):
    day = working_day(setup.shop)
    book(setup, at(setup.shop, day, 10))
    response = api.get(
        "/api/v1/availability/", {"service": setup.cut.pk, "barber": setup.ana.pk, "from": day, "to": day}
    )
    assert response.status_code == 200
    starts = [s["start"] for s in response.json()["slots"]]
    offset = at(setup.shop, day, 9).strftime("%z")
    assert all(s.endswith(f"{offset[:3]}:{offset[3:]}") for s in starts)
    assert at(setup.shop, day, 9, 30).isoformat() in starts
    assert at(setup.shop, day, 10).isoformat() not in starts and at(setup.shop, day, 10, 15).isoformat() not in starts


def test_availability_for_anyone_names_each_free_barber(setup, api):
    day = working_day(setup.shop)
    slots = api.get("/api/v1/availability/", {"service": setup.cut.pk, "from": day, "to": day}).json()["slots"]
    first_two = slots[:2]
    assert [s["barber"] for s in first_two] == [str(setup.ana.pk), str(setup.ben.pk)]
    assert {s["start"] for s in first_two} == {at(setup.shop, day, 9).isoformat()}


def test_staff_book_an_appointment_and_get_the_contract_fields(setup, api):
    sam = customer_create(shop=setup.shop, name="Sam", phone="+12125550123")
    start = at(setup.shop, working_day(setup.shop), 11)
    body = {
        "service": str(setup.cut.pk),
        "barber": str(setup.ben.pk),
        "start": start.isoformat(),
        "customer": str(sam.pk),
    }
    response = post(api, "/api/v1/appointments/", {**body, "notes": "Skin fade"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert {"id", "status", "start", "end", "service", "barber", "customer", "price", "source"} <= set(created)
    assert created["status"] == "confirmed" and created["source"] == "staff" and created["price"] == "35.00"
    assert created["start"] == start.isoformat()
    assert created["end"] == (start + dt.timedelta(minutes=30)).isoformat()
    assert (created["service"], created["barber"], created["customer"]) == (
        body["service"],
        body["barber"],
        body["customer"],
    )
    appointment = Appointment.objects.get(pk=created["id"], shop=setup.shop)
    assert appointment.notes == "Skin fade" and appointment.created_by == setup.owner

    assert api.get(f"/api/v1/appointments/{created['id']}/").json() == created


def test_booking_anyone_with_a_new_customer_takes_the_first_free_barber(setup, api):
    start = at(setup.shop, working_day(setup.shop), 11)
    body = {"service": str(setup.cut.pk), "barber": None, "start": start.isoformat(),
            "customer": {"name": "New Person", "phone": "212-555-0199", "email": "new@example.com"}}  # fmt: skip
    response = post(api, "/api/v1/appointments/", body)
    assert response.status_code == 201, response.content
    assert response.json()["barber"] == str(setup.ana.pk)
    customer = Customer.objects.get(shop=setup.shop, phone="+12125550199")
    assert response.json()["customer"] == str(customer.pk) and customer.email == "new@example.com"


def test_a_taken_slot_is_a_409_and_keeps_no_new_customer(setup, api):
    start = at(setup.shop, working_day(setup.shop), 11)
    book(setup, start)
    body = {"service": str(setup.cut.pk), "barber": str(setup.ana.pk), "start": start.isoformat(),
            "customer": {"name": "Late Comer", "phone": "212-555-0177"}}  # fmt: skip
    response = post(api, "/api/v1/appointments/", body)
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert Appointment.objects.filter(shop=setup.shop).count() == 1
    assert not Customer.objects.filter(phone="+12125550177").exists()


def test_a_retried_booking_with_the_same_idempotency_key_makes_one_appointment(setup, api):
    start = at(setup.shop, working_day(setup.shop), 11)
    body = {"service": str(setup.cut.pk), "start": start.isoformat(),
            "customer": {"name": "Sam", "phone": "212-555-0123"}}  # fmt: skip
    first = post(api, "/api/v1/appointments/", body, **{"Idempotency-Key": "order-42"})
    again = post(api, "/api/v1/appointments/", body, **{"Idempotency-Key": "order-42"})
    assert first.status_code == again.status_code == 201, again.content
    assert first.json() == again.json()
    assert Appointment.objects.filter(shop=setup.shop).count() == 1
    assert Appointment.objects.get().idempotency_key == "api:order-42"

    other = post(api, "/api/v1/appointments/", body, **{"Idempotency-Key": "order-43"})
    assert other.status_code == 201 and other.json()["barber"] == str(setup.ben.pk)


# --- Listing and closing appointments ---------------------------------------------------------


def test_appointments_are_listed_for_the_days_asked_in_the_shops_zone(setup, api):
    day = working_day(setup.shop)
    early = book(setup, at(setup.shop, day, 9))
    late = book(setup, at(setup.shop, day + dt.timedelta(days=1), 9), barber=setup.ben)
    assert [a["id"] for a in api.get("/api/v1/appointments/", {"from": day, "to": day}).json()] == [str(early.pk)]
    both = api.get("/api/v1/appointments/", {"from": day, "to": day + dt.timedelta(days=1)}).json()
    assert [a["id"] for a in both] == [str(early.pk), str(late.pk)]
    only_ben = api.get("/api/v1/appointments/", {"from": day, "to": day + dt.timedelta(days=2), "barber": setup.ben.pk})
    assert [a["id"] for a in only_ben.json()] == [str(late.pk)]


def test_appointments_default_to_today_and_the_next_seven_days(setup, api):
    soon = book(setup, at(setup.shop, working_day(setup.shop, days_ahead=1), 12))
    book(setup, at(setup.shop, working_day(setup.shop, days_ahead=10), 12))
    assert [a["id"] for a in api.get("/api/v1/appointments/").json()] == [str(soon.pk)]


def test_staff_cancel_an_appointment_with_a_reason(setup, api):
    appointment = book(setup, at(setup.shop, working_day(setup.shop), 9))
    response = post(api, f"/api/v1/appointments/{appointment.pk}/status", {"status": "cancelled", "reason": "Ill"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled" and response.json()["cancellation_reason"] == "Ill"
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancellation_reason) == ("cancelled", "Ill")


def test_a_past_appointment_is_marked_completed(setup, api):
    start = at(setup.shop, working_day(setup.shop, days_ahead=-7), 10)
    appointment = book(setup, start, now=start - dt.timedelta(days=1))
    response = post(api, f"/api/v1/appointments/{appointment.pk}/status", {"status": "completed"})
    assert response.status_code == 200 and response.json()["status"] == "completed"
    appointment.refresh_from_db()
    assert appointment.status == "completed"


def test_a_change_the_status_does_not_allow_is_a_400(setup, api):
    appointment = book(setup, at(setup.shop, working_day(setup.shop), 9))
    response = post(api, f"/api/v1/appointments/{appointment.pk}/status", {"status": "completed"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_transition"
    response = post(api, f"/api/v1/appointments/{appointment.pk}/status", {"status": "done"})
    assert response.status_code == 400 and set(response.json()["fields"]) == {"status"}
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
