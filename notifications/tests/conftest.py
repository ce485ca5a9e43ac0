"""Setup the notification tests share: a shop, Twilio faked at the wire, a customer who agreed to
texts, and a campaign sent to them (the SMS tests' common ground)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone

from bookings.models import Customer
from notifications.models import Delivery
from notifications.services import preferences
from notifications.services.notify import notify
from sixfb.models import Shop
from tests.base import make_owner
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio

PHONE = "+12125550123"
CAMPAIGN_TEXT = "20% off beard trims this week."


@pytest.fixture
def shop() -> Shop:
    return make_owner(email="owner@example.com")[1]


@pytest.fixture
def fake_twilio(settings) -> Iterator[FakeTwilio]:
    """Twilio's API on loopback, and the settings that send texts through it."""
    fake = FakeTwilio().start()
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def consenting_customer() -> Callable[..., Customer]:
    """``make(shop, phone=PHONE)``: a customer of ``shop`` who agreed to texts."""

    def make(shop: Shop, phone: str = PHONE) -> Customer:
        customer = Customer.objects.create(shop=shop, name="Dee Jones", phone=phone, sms_consent_at=timezone.now())
        # Customers have night-time quiet hours by default: these tests run at any hour, so theirs
        # are an hour that is not now.
        later = (timezone.now().astimezone(shop.tzinfo) + dt.timedelta(hours=6)).time()
        start = later.replace(minute=0, second=0, microsecond=0)
        end = start.replace(hour=(start.hour + 1) % 24)
        quiet = {"start": start.isoformat("minutes"), "end": end.isoformat("minutes")}
        preferences.preference_update(shop=shop, customer=customer, quiet_hours=quiet)
        return customer

    return make


@pytest.fixture
def send_campaign(django_capture_on_commit_callbacks) -> Callable[..., Delivery]:
    """``send(shop, customer, key="c1", text=CAMPAIGN_TEXT)``: a campaign to the customer, its
    deliveries attempted once committed; returns the SMS delivery."""

    def send(shop: Shop, customer: Customer, key: str = "c1", text: str = CAMPAIGN_TEXT) -> Delivery:
        with django_capture_on_commit_callbacks(execute=True):
            notification = notify(
                shop=shop,
                kind="campaign",
                customer=customer,
                dedupe_key=key,
                payload={"subject": "Winter", "text": text},
            )
        assert notification is not None
        return notification.deliveries.get(channel="sms")

    return send
