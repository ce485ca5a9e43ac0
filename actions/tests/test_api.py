"""`/api/v1/proposals/<id>/` and its approve and decline, with the API's error contract."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from actions.models import Proposal
from actions.tests.proposal_support import make_world, proposed
from bookings.models import Appointment, Barber
from bookings.tests.support import booking_shop
from sixfb.models import Membership
from tests.base import add_member

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def book(world) -> Proposal:
    arguments = {
        "service": str(world.booking.cut.pk),
        "start": world.at("10:00").isoformat(),
        "customer": str(world.booking.customer.pk),
    }
    return proposed(world, "appointment_book", arguments)


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message"} and body["code"] == code, body


def test_read_approve_and_approve_again():
    world = make_world()
    proposal = book(world)
    client = client_for(world.owner)

    shown = client.get(f"/api/v1/proposals/{proposal.uuid}/").json()
    assert shown["id"] == str(proposal.uuid) and shown["status"] == "pending" and shown["tool"] == "appointment_book"
    assert shown["details"]["customer"] == "Dee Walker"
    assert shown["decided_by"] is None and shown["result"] is None and shown["result_message"] is None

    approved = client.post(f"/api/v1/proposals/{proposal.uuid}/approve")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "done" and body["decided_by"] == world.owner.email and body["decided_at"]
    appointment = Appointment.objects.get()
    assert body["result"]["data"]["appointment"] == str(appointment.pk)
    assert body["result_message"]["content"].startswith("Done: Booked Dee Walker")

    again = client.post(f"/api/v1/proposals/{proposal.uuid}/approve")
    assert again.status_code == 200 and again.json() == body
    assert Appointment.objects.count() == 1


def test_decline_then_approve_is_a_conflict():
    world = make_world()
    proposal = book(world)
    client = client_for(world.owner)

    declined = client.post(f"/api/v1/proposals/{proposal.uuid}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert declined.json()["result_message"]["content"].startswith("Declined:")
    assert_error(client.post(f"/api/v1/proposals/{proposal.uuid}/approve"), 409, "proposal_closed")
    assert Appointment.objects.count() == 0


def test_expired_is_a_conflict():
    world = make_world()
    proposal = book(world)
    Proposal.objects.filter(pk=proposal.pk).update(expires_at=proposal.created_at)
    assert_error(client_for(world.owner).post(f"/api/v1/proposals/{proposal.uuid}/approve"), 409, "proposal_expired")
    proposal.refresh_from_db()
    assert proposal.status == "expired"


def test_someone_elses_proposal_is_not_found():
    world = make_world()
    proposal = book(world)
    colleague = add_member(shop=world.shop, role=Membership.Role.MANAGER)
    stranger = booking_shop(shop_name="Other Cuts").owner

    for user in (colleague, stranger):
        client = client_for(user)
        assert_error(client.get(f"/api/v1/proposals/{proposal.uuid}/"), 404, "not_found")
        assert_error(client.post(f"/api/v1/proposals/{proposal.uuid}/approve"), 404, "not_found")
        assert_error(client.post(f"/api/v1/proposals/{proposal.uuid}/decline"), 404, "not_found")
    assert_error(client_for(world.owner).get(f"/api/v1/proposals/{uuid.uuid4()}/"), 404, "not_found")
    assert_error(client_for(world.owner).get("/api/v1/proposals/not-a-uuid/"), 404, "not_found")
    proposal.refresh_from_db()
    assert proposal.status == "pending" and Appointment.objects.count() == 0


def test_signed_out_is_refused():
    world = make_world()
    proposal = book(world)
    assert_error(Client().post(f"/api/v1/proposals/{proposal.uuid}/approve"), 403, "not_authenticated")
    assert Appointment.objects.count() == 0


def test_a_barber_approving_a_shop_wide_change_is_forbidden():
    booking = booking_shop()
    barber = add_member(shop=booking.shop, role=Membership.Role.MANAGER)
    membership = Membership.objects.get(user=barber)
    Barber.objects.filter(pk=booking.barbers[0].pk).update(membership=membership)
    world = make_world(booking=booking, user=barber)
    proposal = proposed(world, "service_price_set", {"service": str(booking.cut.pk), "price": "40"})
    Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.BARBER)

    assert_error(client_for(barber).post(f"/api/v1/proposals/{proposal.uuid}/approve"), 403, "not_allowed")
    booking.cut.refresh_from_db()
    assert str(booking.cut.price) == "35.00"


def test_token_auth_works():
    from rest_framework.authtoken.models import Token

    world = make_world()
    proposal = book(world)
    token = Token.objects.create(user=world.owner)
    response = Client().post(f"/api/v1/proposals/{proposal.uuid}/decline", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["status"] == "declined"
