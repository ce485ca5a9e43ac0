"""Another shop's ids, in any bookings API path or body, answer 404 and write nothing; its rows
never show in this shop's lists."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bookings.models import Appointment, Customer, Service
from bookings.services import appointment_book, customer_for_booking
from bookings.tests.api_support import ShopSetup, api_client, at, post, shop_setup, working_day

pytestmark = pytest.mark.django_db


@dataclass
class Tenant(ShopSetup):
    customer: Customer
    appointment: Appointment


def tenant(name: str) -> Tenant:
    """A shop with a customer booked for 09:00 on a working day with Ana."""
    setup = shop_setup(name)
    customer = customer_for_booking(shop=setup.shop, name="Sam", phone="+12125550123")
    start = at(setup.shop, working_day(setup.shop), 9)
    appointment = appointment_book(shop=setup.shop, service=setup.cut, start=start, customer=customer, barber=setup.ana)
    return Tenant(**vars(setup), customer=customer, appointment=appointment)


@pytest.fixture
def shops():
    """(ours, theirs, an API client of our owner)."""
    ours, theirs = tenant("Fresh Cuts"), tenant("Rival Fades")
    return ours, theirs, api_client(ours.owner)


def counts() -> tuple[int, ...]:
    return (
        Appointment.objects.count(),
        Customer.objects.count(),
        Service.objects.count(),
        Appointment.objects.filter(status="confirmed").count(),
    )


def test_another_shops_appointment_is_not_found_by_its_path(shops):
    _ours, theirs, api = shops
    assert api.get(f"/api/v1/appointments/{theirs.appointment.pk}/").status_code == 404
    before = counts()
    response = post(api, f"/api/v1/appointments/{theirs.appointment.pk}/status", {"status": "cancelled"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert counts() == before


@pytest.mark.parametrize("field", ["service", "barber", "customer"])
def test_booking_with_another_shops_id_in_the_body_is_not_found(shops, field):
    ours, theirs, api = shops
    start = at(ours.shop, working_day(ours.shop), 11).isoformat()
    body = {"service": str(ours.cut.pk), "barber": str(ours.ana.pk), "start": start, "customer": str(ours.customer.pk)}
    foreign = {"service": theirs.cut.pk, "barber": theirs.ana.pk, "customer": theirs.customer.pk}[field]
    before = counts()
    response = post(api, "/api/v1/appointments/", {**body, field: str(foreign)})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert counts() == before


def test_booking_a_new_customer_with_another_shops_service_writes_no_customer(shops):
    ours, theirs, api = shops
    start = at(ours.shop, working_day(ours.shop), 11).isoformat()
    body = {"service": str(theirs.cut.pk), "start": start, "customer": {"name": "New", "phone": "212-555-0188"}}
    before = counts()
    assert post(api, "/api/v1/appointments/", body).status_code == 404
    assert counts() == before


def test_a_service_offered_by_another_shops_barber_is_not_found(shops):
    ours, theirs, api = shops
    body = {"name": "Shave", "duration_minutes": 20, "price": "10", "barbers": [str(ours.ana.pk), str(theirs.ben.pk)]}
    before = counts()
    response = post(api, "/api/v1/services/", body)
    assert response.status_code == 404 and counts() == before


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/availability/", {"service": "THEIR_SERVICE"}),
        ("/api/v1/availability/", {"service": "OUR_SERVICE", "barber": "THEIR_BARBER"}),
        ("/api/v1/appointments/", {"barber": "THEIR_BARBER"}),
    ],
)
def test_another_shops_ids_in_a_query_are_not_found(shops, path, params):
    ours, theirs, api = shops
    ids = {"THEIR_SERVICE": theirs.cut.pk, "OUR_SERVICE": ours.cut.pk, "THEIR_BARBER": theirs.ana.pk}
    response = api.get(path, {name: ids[value] for name, value in params.items()})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_lists_show_only_our_shops_rows(shops):
    ours, _theirs, api = shops
    day = working_day(ours.shop)
    assert [s["id"] for s in api.get("/api/v1/services/").json()] == [str(ours.cut.pk)]
    assert {b["id"] for b in api.get("/api/v1/barbers/").json()} == {str(ours.ana.pk), str(ours.ben.pk)}
    assert [c["id"] for c in api.get("/api/v1/customers/").json()] == [str(ours.customer.pk)]
    listed = api.get("/api/v1/appointments/", {"from": day, "to": day}).json()
    assert [a["id"] for a in listed] == [str(ours.appointment.pk)]
    slots = api.get("/api/v1/availability/", {"service": ours.cut.pk, "from": day, "to": day}).json()["slots"]
    assert {s["barber"] for s in slots} == {str(ours.ana.pk), str(ours.ben.pk)}


def test_a_member_of_two_shops_works_in_one_at_a_time(shops):
    ours, theirs, _api = shops
    # The other shop's owner joins ours as a barber: by token, they work in their own (first) shop.
    from sixfb.models import Membership

    Membership.objects.create(shop=ours.shop, user=theirs.owner, role=Membership.Role.BARBER)
    api = api_client(theirs.owner)
    assert [s["id"] for s in api.get("/api/v1/services/").json()] == [str(theirs.cut.pk)]
    assert api.get(f"/api/v1/appointments/{ours.appointment.pk}/").status_code == 404
