"""Approving a campaign sends it through notify: one delivery per customer on the campaign's
channel only, consent and quiet hours decided again, the caps held again; the outcome is posted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Proposal
from actions.services import proposal_approve
from actions.tests.campaign_support import email_campaign, lapsed, propose, sms_campaign
from actions.tests.proposal_support import make_world
from bookings.models import Customer
from bookings.tests.support import booking_shop
from notifications.models import Delivery, Notification, Preference
from notifications.preferences import quiet_until
from notifications.services.campaigns import campaign_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def approve(world, proposal: Proposal) -> Proposal:
    decision = proposal_approve(proposal=proposal, user=world.owner)
    decision.proposal.refresh_from_db()
    return decision.proposal


def test_approving_queues_one_text_each_through_notify_and_posts_the_outcome(world):
    ann = lapsed(world, "Ann Lee", phone="+12125550111", email="ann@example.com")
    bo = lapsed(world, "Bo Chan", phone="+12125550112")
    proposal = propose(world, sms_campaign())

    done = approve(world, proposal)

    assert done.status == "done" and done.decided_by == world.owner
    assert done.result["summary"] == "Queued 2 texts"
    assert done.result_message.content == "Done: Queued 2 texts."
    notifications = Notification.objects.filter(kind="campaign")
    assert {n.customer_id for n in notifications} == {ann.pk, bo.pk}
    key = proposal.arguments["campaign"]
    assert {n.dedupe_key for n in notifications} == {f"campaign:{key}:{ann.pk}", f"campaign:{key}:{bo.pk}"}
    deliveries = Delivery.objects.filter(notification__in=notifications)
    assert [(d.channel, d.status) for d in deliveries] == [("sms", "queued")] * 2  # no email to Ann
    assert notifications[0].payload["text"] == proposal.arguments["text"]


def test_consent_withdrawn_since_the_proposal_is_skipped(world):
    lapsed(world, "Ann Lee", phone="+12125550111")
    bo = lapsed(world, "Bo Chan", phone="+12125550112")
    proposal = propose(world, sms_campaign())
    Customer.objects.filter(pk=bo.pk).update(sms_consent_at=None)

    done = approve(world, proposal)

    assert done.result["summary"] == "Queued 1 text (1 skipped: no consent since)"
    skipped = Delivery.objects.get(notification__customer=bo)
    assert (skipped.status, skipped.reason) == ("skipped", "no_consent")


def test_quiet_hours_hold_a_delivery_until_they_end(world):
    ann = lapsed(world, "Ann Lee", email="ann@example.com", quiet_now=True)
    lapsed(world, "Bo Chan", email="bo@example.com")
    preference = Preference.objects.get(customer=ann)
    end = quiet_until(
        at=timezone.now(), start=preference.quiet_hours_start, end=preference.quiet_hours_end, tz=world.shop.tzinfo
    )
    assert end is not None

    done = approve(world, propose(world, email_campaign()))

    assert done.result["summary"] == "Queued 2 emails (1 held for quiet hours)"
    held = Delivery.objects.get(notification__customer=ann)
    assert held.channel == "email" and held.status == "queued" and held.next_attempt_at == end


def test_a_send_time_schedules_every_delivery(world):
    lapsed(world, "Ann Lee", phone="+12125550111")
    # two hours later than now on the clock: outside Ann's quiet hours (campaign_support.quiet_hours)
    at = (timezone.now() + dt.timedelta(days=3, hours=2)).astimezone(world.shop.tzinfo).replace(second=0, microsecond=0)
    done = approve(world, propose(world, sms_campaign(send_at=at.isoformat())))
    assert done.status == "done" and done.result["data"]["send_at"] == at.isoformat()
    assert Delivery.objects.get().next_attempt_at == at


def test_the_per_day_cap_holds_at_approval(world, settings):
    lapsed(world, "Ann Lee", phone="+12125550111")
    lapsed(world, "Bo Chan", phone="+12125550112")
    first, second = propose(world, sms_campaign()), propose(world, sms_campaign(text="Second"))
    settings.ACTIONS_CAMPAIGN_DAILY_LIMIT = 3

    assert approve(world, first).status == "done"
    refused = approve(world, second)

    assert refused.status == "failed" and refused.result["code"] == "daily_limit"
    assert "2 went today, so 1 are left" in refused.result["message"]
    assert Delivery.objects.count() == 2


def test_the_per_run_cap_holds_at_approval(world, settings):
    lapsed(world, "Ann Lee", phone="+12125550111")
    lapsed(world, "Bo Chan", phone="+12125550112")
    proposal = propose(world, sms_campaign())
    settings.ACTIONS_CAMPAIGN_MAX_RECIPIENTS = 1
    refused = approve(world, proposal)
    assert refused.status == "failed" and refused.result["code"] == "too_many_recipients"
    assert not Notification.objects.exists()


def test_another_shops_customer_slipped_into_the_arguments_is_never_sent_to(world):
    lapsed(world, "Ann Lee", phone="+12125550111")
    other = booking_shop(shop_name="Other Cuts")
    stranger = lapsed(world, "Fay Oz", phone="+12125550116", shop=other.shop)
    proposal = propose(world, sms_campaign())
    proposal.arguments["recipients"].append(str(stranger.pk))
    Proposal.objects.filter(pk=proposal.pk).update(arguments=proposal.arguments)

    done = approve(world, proposal)

    assert done.result["summary"] == "Queued 1 text (1 no longer customers)"
    assert not Notification.objects.filter(customer=stranger).exists()


def test_sending_the_same_campaign_again_sends_nobody_twice(world):
    ann = lapsed(world, "Ann Lee", phone="+12125550111")
    arguments = {"shop": world.shop, "channel": "sms", "customer_ids": [ann.pk], "subject": "", "text": "Hi"}
    assert campaign_send(**arguments, key="k1").queued == 1
    again = campaign_send(**arguments, key="k1")
    assert (again.queued, again.already) == (0, 1)
    assert Delivery.objects.count() == 1
