"""Who may do what through the bookings API, and bad input answered as 4xx in the error contract."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from bookings.models import Appointment, Barber, Customer, Service
from bookings.services import appointment_book, customer_for_booking
from bookings.tests.api_support import api_client, at, barber_login, post, shop_setup, working_day
from sixfb.models import Membership
from tests.base import add_member, make_user

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/services/",
    "/api/v1/barbers/",
    "/api/v1/customers/",
    "/api/v1/availability/",
    "/api/v1/appointments/",
    "/api/v1/appointments/00000000-0000-4000-8000-000000000000/",
]


@pytest.fixture
def setup():
    return shop_setup()


@pytest.fixture
def api(setup):
    return api_client(setup.owner)


def body_for(setup, hour: int, barber=None) -> dict:
    start = at(setup.shop, working_day(setup.shop), hour)
    return {"service": str(setup.cut.pk), "barber": str(barber.pk) if barber else None, "start": start.isoformat(),
            "customer": {"name": "Sam", "phone": "212-555-0123"}}  # fmt: skip


# --- Roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PATHS, "/api/v1/appointments/00000000-0000-4000-8000-000000000000/status"])
def test_anonymous_callers_are_refused(path):
    client = Client()
    response = client.post(path, {}, content_type="application/json") if path.endswith("status") else client.get(path)
    assert response.status_code == 403 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("path", PATHS[:5])
def test_someone_with_no_shop_is_not_a_member(path):
    response = api_client(make_user()).get(path)
    assert response.status_code == 403 and response.json()["code"] == "not_a_member"


def test_a_barber_sees_only_their_own_appointments(setup):
    ana_user = barber_login(setup, setup.ana)
    sam = customer_for_booking(shop=setup.shop, name="Sam", phone="+12125550123")
    day = working_day(setup.shop)
    own = appointment_book(
        shop=setup.shop, service=setup.cut, start=at(setup.shop, day, 9), customer=sam, barber=setup.ana
    )
    bens = appointment_book(
        shop=setup.shop, service=setup.cut, start=at(setup.shop, day, 9), customer=sam, barber=setup.ben
    )
    api = api_client(ana_user)

    assert [a["id"] for a in api.get("/api/v1/appointments/", {"from": day, "to": day}).json()] == [str(own.pk)]
    assert api.get(f"/api/v1/appointments/{own.pk}/").status_code == 200
    assert api.get(f"/api/v1/appointments/{bens.pk}/").status_code == 404
    response = post(api, f"/api/v1/appointments/{bens.pk}/status", {"status": "cancelled"})
    assert response.status_code == 404
    bens.refresh_from_db()
    assert bens.status == "confirmed"


def test_a_barber_cannot_add_services_or_barbers(setup):
    api = api_client(barber_login(setup, setup.ana))
    response = post(api, "/api/v1/services/", {"name": "Shave", "duration_minutes": 20, "price": "10"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = post(api, "/api/v1/barbers/", {"name": "Dan"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Service.objects.filter(name="Shave").exists() and not Barber.objects.filter(name="Dan").exists()
    assert api.get("/api/v1/services/").status_code == 200


def test_a_barber_books_into_their_own_column_only(setup):
    api = api_client(barber_login(setup, setup.ana))
    response = post(api, "/api/v1/appointments/", body_for(setup, 10, barber=setup.ben))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Appointment.objects.exists() and not Customer.objects.exists()
    response = post(api, "/api/v1/appointments/", body_for(setup, 10))
    assert response.status_code == 201 and response.json()["barber"] == str(setup.ana.pk)


def test_a_manager_adds_services(setup):
    manager = add_member(shop=setup.shop, role=Membership.Role.MANAGER)
    response = post(api_client(manager), "/api/v1/services/", {"name": "Shave", "duration_minutes": 20, "price": "10"})
    assert response.status_code == 201


# --- Bad input --------------------------------------------------------------------------------


def test_malformed_json_is_a_400_parse_error(api):
    response = api.post("/api/v1/appointments/", b'{"service": ', content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_a_start_without_an_offset_is_refused_naming_start(setup, api):
    body = {
        **body_for(setup, 10),
        "start": at(setup.shop, working_day(setup.shop), 10).replace(tzinfo=None).isoformat(),
    }
    response = post(api, "/api/v1/appointments/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and set(response.json()["fields"]) == {"start"}
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"service": "not-a-uuid"}, {"service"}),
        ({"barber": "nope"}, {"barber"}),
        ({"start": "tomorrow at ten"}, {"start"}),
        ({"customer": "not-a-uuid"}, {"customer"}),
        ({"customer": {"name": "Sam"}}, {"customer.phone"}),
        ({"customer": {"name": "Sam", "phone": "1", "age": 30}}, {"customer"}),
        ({"customer": {"name": "Sam", "phone": "12"}}, {"customer.phone"}),
        ({"customer": 42}, {"customer"}),
    ],
)
def test_bad_booking_fields_are_a_400_naming_them(setup, api, change, fields):
    response = post(api, "/api/v1/appointments/", {**body_for(setup, 10), **change})
    assert response.status_code == 400, response.content
    assert set(response.json()["fields"]) == fields
    assert not Appointment.objects.exists() and not Customer.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(api):
    response = post(api, "/api/v1/appointments/", ["not", "an", "object"])
    assert response.status_code == 400 and "non_field_errors" in response.json()["fields"]


def test_a_start_in_the_past_is_refused(setup, api):
    past = at(setup.shop, working_day(setup.shop, days_ahead=-7), 10)
    response = post(api, "/api/v1/appointments/", {**body_for(setup, 10), "start": past.isoformat()})
    assert response.status_code == 400 and response.json()["code"] == "in_the_past"
    assert not Appointment.objects.exists() and not Customer.objects.exists()


def test_a_start_outside_the_barbers_hours_is_refused(setup, api):
    response = post(api, "/api/v1/appointments/", body_for(setup, 20, barber=setup.ana))
    assert response.status_code == 400 and response.json()["code"] == "outside_hours"


def test_an_overlong_idempotency_key_is_refused(setup, api):
    response = post(api, "/api/v1/appointments/", body_for(setup, 10), **{"Idempotency-Key": "k" * 100})
    assert response.status_code == 400 and response.json()["code"] == "invalid_idempotency_key"
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("path", "params", "fields"),
    [
        ("/api/v1/availability/", {}, {"service"}),
        ("/api/v1/availability/", {"service": "x"}, {"service"}),
        ("/api/v1/availability/", {"service": "SERVICE", "from": "2025-13-40"}, {"from"}),
        ("/api/v1/appointments/", {"to": "next week"}, {"to"}),
        ("/api/v1/appointments/", {"barber": "nope"}, {"barber"}),
        ("/api/v1/customers/", {"limit": "0"}, {"limit"}),
    ],
)
def test_bad_query_parameters_are_a_400_naming_them(setup, api, path, params, fields):
    params = {k: (setup.cut.pk if v == "SERVICE" else v) for k, v in params.items()}
    response = api.get(path, params)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and set(response.json()["fields"]) == fields


@pytest.mark.parametrize("path", ["/api/v1/availability/", "/api/v1/appointments/"])
def test_a_range_that_ends_before_it_starts_or_runs_too_long_is_refused(setup, api, path):
    day = working_day(setup.shop)
    backwards = api.get(path, {"service": setup.cut.pk, "from": day, "to": day - dt.timedelta(days=1)})
    assert backwards.status_code == 400 and backwards.json()["code"] == "invalid_range"
    too_long = api.get(path, {"service": setup.cut.pk, "from": day, "to": day + dt.timedelta(days=100)})
    assert too_long.status_code == 400 and too_long.json()["code"] == "invalid_range"
