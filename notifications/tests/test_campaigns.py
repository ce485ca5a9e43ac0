"""Campaigns in the notifications app: one channel per campaign, who a campaign reaches (as
``decide`` would), and the caps ``campaign_send`` holds whatever its caller asks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from waffle.testutils import override_switch

from bookings.models import Customer
from notifications.campaigns import campaign_audience, campaign_messages_on
from notifications.models import Delivery, Suppression
from notifications.services import preferences
from notifications.services.campaigns import CampaignError, campaign_send
from notifications.services.notify import notify
from sixfb.flags import SMS_ENABLED

pytestmark = pytest.mark.django_db


def customer(shop, name, **fields) -> Customer:
    now = timezone.now()
    return Customer.objects.create(shop=shop, name=name, sms_consent_at=now, email_consent_at=now, **fields)


def test_notify_narrowed_to_one_channel_makes_no_delivery_on_the_other(shop):
    dee = customer(shop, "Dee Jones", phone="+12125550123", email="dee@example.com")
    payload = {"subject": "Winter", "text": "Hi", "book_url": "https://example.com/book/x/"}
    notification = notify(shop=shop, kind="campaign", customer=dee, dedupe_key="c1", payload=payload, channels=("sms",))
    assert notification is not None
    assert [d.channel for d in notification.deliveries.all()] == ["sms"]
    with pytest.raises(ValueError):
        notify(shop=shop, kind="campaign", customer=dee, dedupe_key="c2", payload=payload, channels=("in_app",))


def test_the_audience_leaves_out_whom_decide_would_skip(shop):
    ok = customer(shop, "Ann Lee", phone="+12125550111")
    stopped = customer(shop, "Bo Chan", phone="+12125550112")
    Suppression.objects.create(channel="sms", address="+12125550112", reason="stop")
    off = customer(shop, "Cy Ray", phone="+12125550113")
    preferences.preference_update(shop=shop, customer=off, channels={"marketing": {"sms": False}})
    no_consent = Customer.objects.create(shop=shop, name="Di Fox", phone="+12125550114")
    bad = customer(shop, "Ed Moe", phone="12345")
    nothing = customer(shop, "Fay Oz")

    everyone = [ok, stopped, off, no_consent, bad, nothing]
    audience = campaign_audience(shop=shop, channel="sms", customers=everyone, at=timezone.now())

    assert audience.recipients == [ok]
    assert audience.skipped == {
        "suppressed": 1, "preference_off": 1, "no_consent": 1, "invalid_address": 1, "no_address": 1,
    }  # fmt: skip
    with override_switch(SMS_ENABLED, active=False):
        off_now = campaign_audience(shop=shop, channel="sms", customers=everyone, at=timezone.now())
    assert off_now.recipients == [] and off_now.skipped == {"channel_off": 6}


def test_campaign_send_refuses_over_either_cap_and_counts_the_day(shop, settings):
    people = [customer(shop, f"Person {n}", phone=f"+1212555010{n}") for n in range(3)]
    ids = [p.pk for p in people]
    settings.ACTIONS_CAMPAIGN_MAX_RECIPIENTS = 2
    with pytest.raises(CampaignError) as refused:
        campaign_send(shop=shop, channel="sms", customer_ids=ids, subject="", text="Hi", key="a")
    assert refused.value.code == "too_many_recipients"

    settings.ACTIONS_CAMPAIGN_MAX_RECIPIENTS, settings.ACTIONS_CAMPAIGN_DAILY_LIMIT = 10, 4
    sent = campaign_send(shop=shop, channel="sms", customer_ids=ids, subject="", text="Hi", key="b")
    assert sent.queued == 3 and campaign_messages_on(shop=shop, at=timezone.now()) == 3
    with pytest.raises(CampaignError) as refused:
        campaign_send(shop=shop, channel="sms", customer_ids=ids[:2], subject="", text="Again", key="c")
    assert refused.value.code == "daily_limit" and refused.value.status == 429
    assert Delivery.objects.count() == 3


def test_the_per_day_cap_counts_a_scheduled_campaign_on_the_day_it_goes(shop, settings):
    people = [customer(shop, f"Person {n}", phone=f"+1212555010{n}") for n in range(3)]
    ids = [p.pk for p in people]
    settings.ACTIONS_CAMPAIGN_DAILY_LIMIT = 4
    now = timezone.now()
    later = (now + dt.timedelta(days=5)).astimezone(shop.tzinfo).replace(hour=14, minute=0, second=0, microsecond=0)
    campaign_send(shop=shop, channel="sms", customer_ids=ids, subject="", text="Today", key="today", now=now)

    # a send time does not get around a full day, and does not fill today
    sent = campaign_send(
        shop=shop, channel="sms", customer_ids=ids, subject="", text="Later", key="later", not_before=later, now=now
    )
    assert sent.queued == 3
    assert campaign_messages_on(shop=shop, at=now) == 3 and campaign_messages_on(shop=shop, at=later) == 3
    with pytest.raises(CampaignError) as refused:
        campaign_send(
            shop=shop, channel="sms", customer_ids=ids[:2], subject="", text="Also later", key="again",
            not_before=later + dt.timedelta(hours=2), now=now,
        )  # fmt: skip
    assert refused.value.code == "daily_limit"
    assert f"3 go on {later:%a} {later.day} {later:%b}, so 1 are left that day" in refused.value.message
    assert "Choose another day" in refused.value.message
