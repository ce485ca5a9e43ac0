"""Deciding a proposal: once only, by the conversation's own person, within its time, by role."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from actions.errors import ActionError
from actions.models import Proposal
from actions.services import proposal_approve, proposal_decline, proposals_expire
from actions.tasks import expire_proposals
from actions.tests.proposal_support import call, error_code, make_world, proposed
from bookings.models import Appointment, Barber
from bookings.tests.support import booking_shop
from chat.models import Message
from chat.selectors import chats_used
from sixfb.models import Membership
from tests.base import add_member

pytestmark = pytest.mark.django_db


def book(world, hhmm: str = "10:00") -> Proposal:
    arguments = {
        "service": str(world.booking.cut.pk),
        "start": world.at(hhmm).isoformat(),
        "customer": str(world.booking.customer.pk),
    }
    return proposed(world, "appointment_book", arguments)


def test_a_second_approve_runs_nothing_and_answers_the_same():
    world = make_world()
    proposal = book(world)
    first = proposal_approve(proposal=proposal, user=world.owner)
    second = proposal_approve(proposal=proposal, user=world.owner)

    assert first.decided and not second.decided
    assert second.proposal.status == Proposal.Status.DONE and second.message == first.message
    assert Appointment.objects.count() == 1
    assert Message.objects.filter(content__startswith="Done:").count() == 1


def test_decline_changes_nothing_and_closes_the_proposal():
    world = make_world()
    proposal = book(world)
    decision = proposal_decline(proposal=proposal, user=world.owner)

    assert decision.proposal.status == Proposal.Status.DECLINED and decision.proposal.decided_by == world.owner
    assert decision.message.content.startswith("Declined: Book Dee Walker")
    assert Appointment.objects.count() == 0
    assert not proposal_decline(proposal=proposal, user=world.owner).decided  # a second Decline: the same
    with pytest.raises(ActionError) as refused:
        proposal_approve(proposal=proposal, user=world.owner)
    assert (refused.value.code, refused.value.status) == ("proposal_closed", 409)
    assert Appointment.objects.count() == 0


def test_an_expired_proposal_cannot_be_approved():
    world = make_world()
    proposal = book(world)
    later = proposal.expires_at + dt.timedelta(seconds=1)

    with pytest.raises(ActionError) as refused:
        proposal_approve(proposal=proposal, user=world.owner, now=later)

    assert (refused.value.code, refused.value.status) == ("proposal_expired", 409)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.EXPIRED and proposal.decided_by is None
    assert Appointment.objects.count() == 0
    with pytest.raises(ActionError) as again:
        proposal_approve(proposal=proposal, user=world.owner)
    assert again.value.code == "proposal_closed"


def test_proposals_expire_in_the_background():
    world = make_world()
    old, fresh = book(world, "10:00"), book(world, "11:00")
    Proposal.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert expire_proposals.call() == 1
    assert proposals_expire() == 0
    old.refresh_from_db(), fresh.refresh_from_db()
    assert (old.status, fresh.status) == (Proposal.Status.EXPIRED, Proposal.Status.PENDING)


def test_only_the_conversations_own_person_may_decide():
    world = make_world()
    proposal = book(world)
    manager = add_member(shop=world.shop, role=Membership.Role.MANAGER)
    stranger = booking_shop(shop_name="Other Cuts").owner

    for user in (manager, stranger):
        for decide in (proposal_approve, proposal_decline):
            with pytest.raises(ActionError) as refused:
                decide(proposal=proposal, user=user)
            assert (refused.value.code, refused.value.status) == ("not_found", 404)
    Membership.objects.filter(shop=world.shop, user=world.owner).delete()
    with pytest.raises(ActionError):
        proposal_approve(proposal=proposal, user=world.owner)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING and Appointment.objects.count() == 0


def _barber_world():
    booking = booking_shop(barbers=2)
    user = add_member(shop=booking.shop, role=Membership.Role.BARBER)
    membership = Membership.objects.get(shop=booking.shop, user=user)
    Barber.objects.filter(pk=booking.barbers[0].pk).update(membership=membership)
    return make_world(booking=booking, user=user), membership


def test_a_barber_books_in_their_own_column_only():
    world, _membership = _barber_world()
    ana, ben = world.booking.barbers
    base = {
        "service": str(world.booking.cut.pk),
        "start": world.at("10:00").isoformat(),
        "customer": str(world.booking.customer.pk),
    }

    assert error_code(call(world, "appointment_book", {**base, "barber": str(ben.pk)})) == "not_allowed"
    proposal = proposed(world, "appointment_book", base)  # no barber named: their own column
    assert proposal.arguments["barber"] == str(ana.pk)
    proposal_approve(proposal=proposal, user=world.conversation.user)
    assert Appointment.objects.get().barber == ana


def test_a_barber_cannot_propose_or_approve_a_shop_wide_change():
    world, membership = _barber_world()
    cut = world.booking.cut
    assert error_code(call(world, "service_price_set", {"service": str(cut.pk), "price": "50"})) == "not_allowed"

    # Proposed while they managed the shop, approved after they became a barber again.
    Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.MANAGER)
    proposal = proposed(world, "service_price_set", {"service": str(cut.pk), "price": "50"})
    Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.BARBER)

    with pytest.raises(ActionError) as refused:
        proposal_approve(proposal=proposal, user=world.conversation.user)
    assert (refused.value.code, refused.value.status) == ("not_allowed", 403)
    proposal.refresh_from_db()
    cut.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING and str(cut.price) == "35.00"
    assert proposal_decline(proposal=proposal, user=world.conversation.user).proposal.status == Proposal.Status.DECLINED


def test_a_barber_cannot_approve_a_move_out_of_another_barbers_column():
    world, membership = _barber_world()
    ana, ben = world.booking.barbers
    from bookings import services as bookings

    theirs = bookings.appointment_book(
        shop=world.shop, service=world.booking.cut, start=world.at("10:00"), customer=world.booking.customer, barber=ben
    )
    assert (
        error_code(call(world, "appointment_cancel", {"appointment": str(theirs.pk)})) == "not_found"
    )  # not in their view
    mine = bookings.appointment_book(
        shop=world.shop, service=world.booking.cut, start=world.at("11:00"), customer=world.booking.customer, barber=ana
    )
    proposal = proposed(world, "appointment_cancel", {"appointment": str(mine.pk)})
    Barber.objects.filter(pk=ana.pk).update(membership=None)
    Barber.objects.filter(pk=ben.pk).update(membership=membership)  # ana's column is no longer theirs

    with pytest.raises(ActionError) as refused:
        proposal_approve(proposal=proposal, user=world.conversation.user)
    assert (refused.value.code, refused.value.status) == ("not_allowed", 403)
    mine.refresh_from_db()
    assert mine.status == Appointment.Status.CONFIRMED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_two_approvals_racing_on_two_connections_run_it_once():
    world = make_world()
    proposal = book(world)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def approve() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(proposal_approve(proposal=Proposal.objects.get(pk=proposal.pk), user=world.owner))
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2 and not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(o.decided for o in outcomes) == [False, True]
    assert {o.proposal.status for o in outcomes} == {Proposal.Status.DONE}
    assert Appointment.objects.count() == 1
    assert Message.objects.filter(content__startswith="Done:").count() == 1


def test_the_outcome_posted_into_the_conversation_is_not_a_chat():
    """Approving or declining writes a message no model wrote: the shop's chat count stays put."""
    world = make_world()
    start, end = timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1)
    counted = chats_used(shop=world.shop, start=start, end=end)

    proposal_approve(proposal=book(world, "10:00"), user=world.owner)
    proposal_decline(proposal=book(world, "11:00"), user=world.owner)

    assert Message.objects.filter(conversation=world.conversation, finish_reason=Message.POSTED).count() == 2
    assert chats_used(shop=world.shop, start=start, end=end) == counted
