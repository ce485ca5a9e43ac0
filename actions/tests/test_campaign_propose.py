"""campaign_draft's proposal against real data: who it reaches (consent, STOP, an address), what
the card shows, the caps, and the arguments it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from actions.tests.campaign_support import TEXT, email_campaign, lapsed, propose, refusal, sms_campaign
from actions.tests.proposal_support import make_world
from bookings.tests.support import booking_shop
from notifications.models import Notification, Suppression

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_a_text_goes_only_to_those_who_agreed_have_a_number_and_did_not_reply_stop(world):
    ann = lapsed(world, "Ann Lee", phone="+12125550111")
    bo = lapsed(world, "Bo Chan", phone="+12125550112")
    lapsed(world, "Cy Ray", phone="+12125550113", sms=False)
    lapsed(world, "Di Fox", phone="+12125550114")
    Suppression.objects.create(channel="sms", address="+12125550114", reason="stop")
    lapsed(world, "Ed Moe", email="ed@example.com")
    other = booking_shop(shop_name="Other Cuts")
    stranger = lapsed(world, "Fay Oz", phone="+12125550116", shop=other.shop)

    proposal = propose(world, sms_campaign())

    assert proposal.tool == "campaign_draft" and proposal.status == "pending"
    assert set(proposal.arguments["recipients"]) == {str(ann.pk), str(bo.pk)}
    assert str(stranger.pk) not in str(proposal.arguments) + str(proposal.details)
    details = proposal.details
    assert details["channel"] == "Text (SMS)" and details["recipients"] == 2
    assert details["segment"] == "lapsed (6 weeks)"
    assert "1 no consent" in details["left_out"] and "1 no address" in details["left_out"]
    assert "1 unsubscribed or replied STOP" in details["left_out"]
    assert details["samples"] == [f"Fresh Cuts: {TEXT} Reply STOP to opt out"] * 2
    assert details["length"] == "1 part per text"
    assert details["cost"] == "$0.02 (2 text parts at $0.0079)"
    assert details["send_window"].startswith("Now")
    assert proposal.summary.startswith("Send a text to 2 customers (lapsed (6 weeks))")
    assert not Notification.objects.exists()  # proposing sends nothing


def test_an_email_shows_samples_as_each_customer_reads_them_and_costs_nothing(world):
    lapsed(world, "Ann Lee", email="ann@example.com")
    lapsed(world, "Bo Chan", email="not-an-address")
    lapsed(world, "Cy Ray", phone="+12125550113")  # agreed, but has no email
    lapsed(world, "Di Fox", email="di@example.com", mail=False)

    proposal = propose(world, email_campaign(send_at=(timezone.now() + dt.timedelta(days=2)).isoformat()))

    details = proposal.details
    assert details["channel"] == "Email" and details["recipients"] == 1 and details["cost"] == "Free (email)"
    assert details["samples"] == [f"Winter special | Hi Ann, {TEXT}"]
    assert "an address that cannot be used" in details["left_out"] and "no consent" in details["left_out"]
    assert proposal.arguments["subject"] == "Winter special" and "send_at" in proposal.arguments
    assert not details["send_window"].startswith("Now")


def test_quiet_hours_are_on_the_card(world):
    lapsed(world, "Ann Lee", phone="+12125550111", quiet_now=True)
    lapsed(world, "Bo Chan", phone="+12125550112")
    details = propose(world, sms_campaign()).details
    assert "1 in their quiet hours get it when those end" in details["send_window"]


def test_nobody_left_is_refused_saying_why(world):
    lapsed(world, "Cy Ray", phone="+12125550113", sms=False)
    lapsed(world, "Ed Moe")
    error = refusal(world, sms_campaign())
    assert error["code"] == "no_recipients"
    assert "1 no consent" in error["message"] and "1 no address" in error["message"]
    assert refusal(world, sms_campaign(segment="no_shows"))["message"].endswith("the segment is empty.")


def test_over_the_per_run_cap_is_refused_not_trimmed(world, settings):
    settings.ACTIONS_CAMPAIGN_MAX_RECIPIENTS = 1
    lapsed(world, "Ann Lee", phone="+12125550111")
    lapsed(world, "Bo Chan", phone="+12125550112")
    error = refusal(world, sms_campaign())
    assert error["code"] == "too_many_recipients" and "at most 1" in error["message"]


def test_over_the_per_day_cap_is_refused(world, settings):
    settings.ACTIONS_CAMPAIGN_DAILY_LIMIT = 1
    lapsed(world, "Ann Lee", phone="+12125550111")
    lapsed(world, "Bo Chan", phone="+12125550112")
    error = refusal(world, sms_campaign())
    assert error["code"] == "daily_limit" and "1 messages a day" in error["message"]


@pytest.mark.parametrize(
    ("arguments", "code", "words"),
    [
        (sms_campaign(channel="fax"), "invalid_arguments", "channel"),
        (sms_campaign(segment="everyone"), "invalid_arguments", "segment"),
        (sms_campaign(text=""), "invalid_arguments", "text"),
        (sms_campaign(text="   "), "invalid_arguments", "text: write the message"),
        (email_campaign(subject=""), "invalid_arguments", "subject"),
        (sms_campaign(recipients=["0b7c4d6e-1f2a-4b3c-8d9e-0a1b2c3d4e5f"]), "invalid_arguments", "leave them out"),
        (sms_campaign(campaign="mine"), "invalid_arguments", "leave them out"),
        (sms_campaign(send_at="tomorrow"), "invalid_arguments", "send_at"),
        (sms_campaign(send_at="2020-01-01T10:00"), "invalid_arguments", "has passed"),
        (sms_campaign(send_at="0001-01-01T00:00:00+14:00"), "invalid_arguments", "give a time like"),
        (sms_campaign(send_at="9999-12-31T23:59:59-12:00"), "invalid_arguments", "give a time like"),
        (sms_campaign(text="x" * 161 * 3), "text_too_long", "4 parts"),
        (sms_campaign(extra=1), "invalid_arguments", "extra"),
    ],
)
def test_bad_arguments_are_refused(world, arguments, code, words):
    lapsed(world, "Ann Lee", phone="+12125550111")
    error = refusal(world, arguments)
    assert error["code"] == code and words in error["message"], error


def test_a_send_time_more_than_two_weeks_ahead_is_refused(world):
    lapsed(world, "Ann Lee", phone="+12125550111")
    later = (timezone.now() + dt.timedelta(days=15)).isoformat()
    assert "at most 14 days" in refusal(world, sms_campaign(send_at=later))["message"]


def test_the_marketing_expert_has_the_tool():
    from actions.catalog import agent_tool
    from agents.models import Agent

    marketing = Agent.objects.get(slug="marketing_expert", shop=None)
    assert agent_tool(agent=marketing, name="campaign_draft") is not None
    coach = Agent.objects.get(slug="business_coach", shop=None)
    assert agent_tool(agent=coach, name="campaign_draft") is None
