"""Send to me first: `POST /api/v1/proposals/<id>/test` emails the owner or manager one copy of a
pending campaign, a few times at most, with the API's error contract; the card offers it."""

from __future__ import annotations

import pytest
from django.test import Client

from actions.models import AgentTool, Proposal
from actions.services import campaign_tests
from actions.tests.campaign_support import TEXT, email_campaign, lapsed, propose, sms_campaign
from actions.tests.proposal_support import make_world, proposed
from actions.tests.test_api import assert_error, client_for
from actions.tests.test_conversation_page import card_in, page_of
from bookings.models import Barber
from bookings.tests.support import booking_shop
from notifications.models import Delivery, Notification
from notifications.rendering import render_email
from notifications.services.campaigns import CampaignError
from notifications.services.deliveries import context_for
from sixfb.models import Membership
from tests.base import add_member

pytestmark = pytest.mark.django_db


def url(proposal: Proposal) -> str:
    return f"/api/v1/proposals/{proposal.uuid}/test"


@pytest.fixture
def world():
    world = make_world()
    lapsed(world, "Ann Lee", phone="+12125550111", email="ann@example.com")
    return world


def test_the_owner_gets_a_copy_of_a_text_campaign_by_email(world):
    proposal = propose(world, sms_campaign())
    response = client_for(world.owner).post(url(proposal))

    assert response.status_code == 200, response.content
    assert response.json() == {"sent_to": world.owner.email, "status": "queued", "tests_left": 2}
    delivery = Delivery.objects.get(notification__kind="campaign_test")
    assert delivery.channel == "email" and delivery.address == world.owner.email
    assert delivery.notification.user == world.owner
    email = render_email("campaign_test", context_for(delivery.notification))
    assert email.subject == "Test: your text to customers"
    assert f"Fresh Cuts: {TEXT} Reply STOP to opt out" in email.text
    assert not Notification.objects.filter(kind="campaign").exists()  # no customer got anything
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_an_email_campaign_copy_reads_as_the_customers_email(world):
    proposal = propose(world, email_campaign())
    assert client_for(world.owner).post(url(proposal)).status_code == 200
    email = render_email("campaign_test", context_for(Notification.objects.get(kind="campaign_test")))
    assert email.subject == "Test: Winter special" and TEXT in email.text and TEXT in email.html


def test_three_tests_then_rate_limited(world):
    proposal = propose(world, sms_campaign())
    client = client_for(world.owner)
    assert [client.post(url(proposal)).json()["tests_left"] for _ in range(3)] == [2, 1, 0]
    assert_error(client.post(url(proposal)), 429, "rate_limited")
    assert Notification.objects.filter(kind="campaign_test").count() == 3


def test_a_decided_or_expired_campaign_is_a_conflict(world):
    client = client_for(world.owner)
    declined = propose(world, sms_campaign())
    client.post(f"/api/v1/proposals/{declined.uuid}/decline")
    assert_error(client.post(url(declined)), 409, "proposal_closed")
    lapsed_one = propose(world, sms_campaign(text="Another"))
    Proposal.objects.filter(pk=lapsed_one.pk).update(expires_at=lapsed_one.created_at)
    assert_error(client.post(url(lapsed_one)), 409, "proposal_expired")
    assert not Notification.objects.exists()


def test_another_shop_or_person_is_not_found(world):
    proposal = propose(world, sms_campaign())
    colleague = add_member(shop=world.shop, role=Membership.Role.MANAGER)
    stranger = booking_shop(shop_name="Other Cuts").owner
    for user in (colleague, stranger):
        assert_error(client_for(user).post(url(proposal)), 404, "not_found")
    assert_error(Client().post(url(proposal)), 403, "not_authenticated")
    assert not Notification.objects.exists()


def test_a_barber_is_forbidden(world):
    manager = add_member(shop=world.shop, role=Membership.Role.MANAGER)
    membership = Membership.objects.get(user=manager)
    Barber.objects.filter(pk=world.booking.barbers[0].pk).update(membership=membership)
    barber_world = make_world(booking=world.booking, user=manager)
    proposal = propose(barber_world, sms_campaign())
    Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.BARBER)
    assert_error(client_for(manager).post(url(proposal)), 403, "not_allowed")
    assert not Notification.objects.exists()


def test_a_campaign_the_agent_can_no_longer_draft_is_a_conflict(world):
    proposal = propose(world, sms_campaign())
    AgentTool.objects.filter(agent=world.conversation.agent, tool="campaign_draft").delete()
    assert_error(client_for(world.owner).post(url(proposal)), 409, "tool_unavailable")
    assert not Notification.objects.exists()


def test_a_copy_whose_key_was_used_is_not_sent_and_says_so(world, monkeypatch):
    proposal = propose(world, sms_campaign())

    def used(**kwargs):
        raise CampaignError("test_sent_already", "That test was sent already.")

    monkeypatch.setattr(campaign_tests, "campaign_test_send", used)
    assert_error(client_for(world.owner).post(url(proposal)), 409, "test_not_sent")


def test_only_a_campaign_can_be_tested(world):
    proposal = proposed(world, "customer_note", {"customer": str(world.booking.customer.pk), "note": "Likes fades"})
    assert_error(client_for(world.owner).post(url(proposal)), 400, "not_a_campaign")


def test_the_card_offers_send_to_me_first_only_for_a_pending_campaign(world):
    campaign = propose(world, sms_campaign())
    note = proposed(world, "customer_note", {"customer": str(world.booking.customer.pk), "note": "Likes fades"})
    html = page_of(world)
    assert "Send to me first" in card_in(html, campaign).html
    assert 'class="button secondary proposal-test"' in card_in(html, campaign).html
    assert "Send to me first" not in card_in(html, note).html
    client_for(world.owner).post(f"/api/v1/proposals/{campaign.uuid}/decline")
    assert "Send to me first" not in card_in(page_of(world), campaign).html
