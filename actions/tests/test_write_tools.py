"""Each write tool: ``propose`` checks against the shop's data and writes nothing; approval runs it
through the bookings services, as the person who approved it."""

from __future__ import annotations

import pytest

from actions.models import Proposal, ToolCall
from actions.services import proposal_approve
from actions.tests.proposal_support import call, error_code, make_world, open_day, proposed, result
from bookings import services as bookings
from bookings.models import Appointment, Customer, Service
from bookings.tests.support import booking_shop

pytestmark = pytest.mark.django_db


def test_booking_a_known_customer_writes_nothing_until_approved():
    world = make_world()
    ana = world.booking.barbers[0]
    start = world.at("10:00")
    proposal = proposed(
        world,
        "appointment_book",
        {
            "service": str(world.booking.cut.pk),
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "customer": str(world.booking.customer.pk),
        },
    )

    assert Appointment.objects.count() == 0
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.details["customer"] == "Dee Walker" and proposal.details["barber"] == ana.name
    assert proposal.arguments["barber"] == str(ana.pk)  # the barber on the card is the one booked
    assert proposal.tool_call.status == ToolCall.Status.PROPOSED

    decision = proposal_approve(proposal=proposal, user=world.owner)

    appointment = Appointment.objects.get()
    assert (appointment.start, appointment.barber, appointment.customer) == (start, ana, world.booking.customer)
    assert appointment.source == Appointment.Source.AGENT and appointment.created_by == world.owner
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DONE and proposal.decided_by == world.owner
    assert proposal.result["data"]["appointment"] == str(appointment.pk)
    assert decision.message is not None and decision.message.content.startswith("Done: Booked Dee Walker")
    assert proposal.result_message == decision.message
    assert decision.message.conversation == world.conversation and decision.message.role == "assistant"


def test_a_new_customer_is_made_only_on_approval_and_an_offset_time_is_understood():
    world = make_world()
    start = world.at("11:00")
    arguments = {
        "service": str(world.booking.cut.pk),
        "start": start.isoformat(),
        "barber": str(world.booking.barbers[1].pk),
        "customer": {"name": "Eli Park", "phone": "(212) 555-0199"},
    }
    proposal = proposed(world, "appointment_book", arguments)
    assert proposal.details["new_customer"] is True
    assert not Customer.objects.filter(name="Eli Park").exists()

    proposal_approve(proposal=proposal, user=world.owner)

    eli = Customer.objects.get(name="Eli Park")
    assert eli.phone == "+12125550199"
    assert Appointment.objects.get().customer == eli


def test_a_customer_named_by_a_known_phone_is_that_customer():
    world = make_world()
    arguments = {
        "service": str(world.booking.cut.pk),
        "start": world.at("12:00").isoformat(),
        "customer": {"name": "D. Walker", "phone": "212-555-0101"},
    }
    proposal = proposed(world, "appointment_book", arguments)
    assert proposal.details["new_customer"] is False and proposal.arguments["customer"] == str(
        world.booking.customer.pk
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"start": "next tuesday"}, "invalid_arguments"),
        ({"start": "2020-01-07T10:00"}, "in_the_past"),
        ({"start": "OPEN_DAYT07:00"}, "outside_hours"),
        ({"customer": "00000000-0000-0000-0000-000000000000"}, "not_found"),
        ({"customer": "not-an-id"}, "not_found"),
        ({"customer": {"name": "Fay", "phone": "12"}}, "invalid_phone"),
        ({"extra": 1}, "invalid_arguments"),
    ],
)
def test_a_booking_that_cannot_be_made_is_refused_at_once(change, code):
    world = make_world()
    arguments = {
        "service": str(world.booking.cut.pk),
        "start": world.at("10:00").isoformat(),
        "customer": str(world.booking.customer.pk),
    }
    arguments.update(
        {k: (v.replace("OPEN_DAY", open_day().isoformat()) if isinstance(v, str) else v) for k, v in change.items()}
    )

    assert error_code(call(world, "appointment_book", arguments)) == code
    assert Proposal.objects.count() == 0 and Appointment.objects.count() == 0


def test_a_taken_slot_is_refused_when_proposed():
    world = make_world(barbers=1)
    start = world.at("10:00")
    bookings.appointment_book(shop=world.shop, service=world.booking.cut, start=start, customer=world.booking.customer)
    arguments = {
        "service": str(world.booking.cut.pk),
        "start": start.isoformat(),
        "customer": str(world.booking.customer.pk),
    }

    outcome = call(world, "appointment_book", arguments)
    assert error_code(outcome) == "slot_taken"
    assert outcome.tool_frame["status"] == "error" and outcome.proposal_frame is None


def test_a_slot_taken_between_proposal_and_approval_fails_without_a_double_booking():
    world = make_world(barbers=1)
    start = world.at("10:00")
    other = bookings.customer_create(shop=world.shop, name="Gus", phone="+12125550102")
    proposal = proposed(
        world,
        "appointment_book",
        {"service": str(world.booking.cut.pk), "start": start.isoformat(), "customer": str(world.booking.customer.pk)},
    )
    bookings.appointment_book(shop=world.shop, service=world.booking.cut, start=start, customer=other)

    decision = proposal_approve(proposal=proposal, user=world.owner)

    assert decision.proposal.status == Proposal.Status.FAILED
    assert decision.proposal.result["code"] == "slot_taken"
    assert decision.message.content.startswith("Could not do it:")
    assert list(Appointment.objects.values_list("customer", flat=True)) == [other.pk]


def test_another_shops_ids_are_not_found_and_nothing_leaks():
    world = make_world()
    elsewhere = booking_shop(shop_name="Other Cuts")
    arguments = {
        "service": str(elsewhere.cut.pk),
        "start": world.at("10:00").isoformat(),
        "customer": str(world.booking.customer.pk),
    }

    body = result(call(world, "appointment_book", arguments))
    assert body["error"]["code"] == "not_found" and "Other Cuts" not in body["error"]["message"]
    assert (
        error_code(call(world, "customer_note", {"customer": str(elsewhere.customer.pk), "note": "hi"})) == "not_found"
    )
    assert error_code(call(world, "service_price_set", {"service": str(elsewhere.cut.pk), "price": "1"})) == "not_found"
    assert Proposal.objects.count() == 0


def test_moving_an_appointment():
    world = make_world()
    ana, ben = world.booking.barbers
    appointment = bookings.appointment_book(
        shop=world.shop, service=world.booking.cut, start=world.at("10:00"), customer=world.booking.customer, barber=ana
    )
    target = world.at("15:30")
    proposal = proposed(
        world,
        "appointment_move",
        {"appointment": str(appointment.pk), "start": target.isoformat(), "barber": str(ben.pk)},
    )
    appointment.refresh_from_db()
    assert appointment.start == world.at("10:00") and appointment.barber == ana

    proposal_approve(proposal=proposal, user=world.owner)

    appointment.refresh_from_db()
    assert (appointment.start, appointment.barber) == (target, ben)


def test_cancelling_an_appointment():
    world = make_world()
    appointment = bookings.appointment_book(
        shop=world.shop, service=world.booking.cut, start=world.at("10:00"), customer=world.booking.customer
    )
    proposal = proposed(world, "appointment_cancel", {"appointment": str(appointment.pk), "reason": "Sick"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED

    proposal_approve(proposal=proposal, user=world.owner)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and appointment.cancellation_reason == "Sick"
    assert error_code(call(world, "appointment_cancel", {"appointment": str(appointment.pk)})) == "invalid_transition"


def test_setting_a_price():
    world = make_world()
    cut = world.booking.cut
    proposal = proposed(world, "service_price_set", {"service": str(cut.pk), "price": 42.5})
    cut.refresh_from_db()
    assert (
        str(cut.price) == "35.00" and proposal.details["old_price"] == "35.00" and proposal.details["price"] == "42.50"
    )

    proposal_approve(proposal=proposal, user=world.owner)

    cut.refresh_from_db()
    assert str(cut.price) == "42.50"


@pytest.mark.parametrize("price", ["-1", "10000", "abc", "1.234", "NaN", "Infinity"])
def test_a_price_must_be_sane(price):
    world = make_world()
    assert error_code(call(world, "service_price_set", {"service": str(world.booking.cut.pk), "price": price})) == (
        "invalid_arguments"
    )
    assert Proposal.objects.count() == 0


def test_creating_a_service():
    world = make_world()
    proposal = proposed(world, "service_create", {"name": "Beard trim", "duration_minutes": 15, "price": "12"})
    assert not Service.objects.filter(name="Beard trim").exists()

    proposal_approve(proposal=proposal, user=world.owner)

    beard = Service.objects.get(shop=world.shop, name="Beard trim")
    assert (beard.duration_minutes, str(beard.price)) == (15, "12.00")
    assert set(beard.barbers.all()) == set(world.booking.barbers)
    assert error_code(call(world, "service_create", {"name": "beard TRIM", "duration_minutes": 15, "price": 1})) == (
        "service_exists"
    )
    assert (
        error_code(call(world, "service_create", {"name": "X", "duration_minutes": 2, "price": 1}))
        == "invalid_arguments"
    )


def test_noting_a_customer_appends_a_dated_line():
    world = make_world()
    customer = world.booking.customer
    bookings.customer_update(customer=customer, notes="Likes it short.")
    first = proposed(world, "customer_note", {"customer": str(customer.pk), "note": "Prefers  Ana."})
    second = proposed(world, "customer_note", {"customer": str(customer.pk), "note": "Allergic to talc."})
    customer.refresh_from_db()
    assert customer.notes == "Likes it short."

    proposal_approve(proposal=first, user=world.owner)
    proposal_approve(proposal=second, user=world.owner)

    customer.refresh_from_db()
    lines = customer.notes.splitlines()
    assert lines[0] == "Likes it short."
    assert lines[1].endswith(": Prefers Ana.") and lines[2].endswith(": Allergic to talc.")
    assert lines[1][:4].isdigit()
    assert (
        error_code(call(world, "customer_note", {"customer": str(customer.pk), "note": "x" * 501}))
        == "invalid_arguments"
    )
