"""Texts going out: the console provider by default, and Twilio through its real SDK over HTTP to a
fake Twilio on loopback (accepted, refused for good, refused for now, no answer)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from bookings.models import Customer
from notifications.channels.sms import twilio as twilio_provider
from notifications.models import Delivery, Suppression
from notifications.services import preferences
from notifications.services.notify import notify
from sixfb.tests.test_configuration import load_settings
from tests.base import make_owner
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio

pytestmark = pytest.mark.django_db(transaction=False)

PHONE = "+12125550123"


@pytest.fixture
def shop():
    return make_owner(email="owner@example.com")[1]


@pytest.fixture
def fake_twilio(settings):
    fake = FakeTwilio().start()
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE = fake.url
    yield fake
    fake.stop()


def consenting_customer(shop, phone=PHONE):
    customer = Customer.objects.create(shop=shop, name="Dee Jones", phone=phone, sms_consent_at=timezone.now())
    # Customers have night-time quiet hours by default: these tests run at any hour, so theirs are
    # an hour that is not now.
    later = (timezone.now().astimezone(shop.tzinfo) + dt.timedelta(hours=6)).time()
    start = later.replace(minute=0, second=0, microsecond=0)
    end = start.replace(hour=(start.hour + 1) % 24)
    preferences.preference_update(
        shop=shop, customer=customer, quiet_hours={"start": start.isoformat("minutes"), "end": end.isoformat("minutes")}
    )
    return customer


def send_campaign(shop, customer, capture, key="c1", text="20% off beard trims this week."):
    with capture(execute=True):
        notification = notify(
            shop=shop, kind="campaign", customer=customer, dedupe_key=key, payload={"subject": "Winter", "text": text}
        )
    return notification.deliveries.get(channel="sms")


def test_the_console_provider_is_the_default_and_logs_the_text(
    shop, settings, caplog, django_capture_on_commit_callbacks
):
    assert settings.SMS_PROVIDER == "console"
    customer = consenting_customer(shop)
    with caplog.at_level(logging.INFO, logger="notifications.channels.sms.console"):
        delivery = send_campaign(shop, customer, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.provider_message_id) == ("sent", f"console-{delivery.pk}")
    assert f"SMS to {PHONE}: Fresh Cuts: 20% off beard trims this week. Reply STOP to opt out" in caplog.text


def test_an_invalid_phone_is_skipped_not_sent(shop, fake_twilio, django_capture_on_commit_callbacks):
    customer = consenting_customer(shop, phone="+1555")
    delivery = send_campaign(shop, customer, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.reason) == ("skipped", "invalid_address")
    assert fake_twilio.requests == 0


def test_twilio_sends_the_text_as_it_is_and_the_delivery_keeps_its_sid(
    shop, fake_twilio, settings, django_capture_on_commit_callbacks
):
    customer = consenting_customer(shop)
    delivery = send_campaign(shop, customer, django_capture_on_commit_callbacks)
    [message] = fake_twilio.messages
    assert message["To"] == PHONE and message["From"] == FROM_NUMBER
    assert message["Body"] == "Fresh Cuts: 20% off beard trims this week. Reply STOP to opt out"
    assert message["StatusCallback"] == settings.SITE_URL + "/notifications/webhooks/twilio/status/"
    assert (delivery.status, delivery.attempts, delivery.provider_message_id) == ("sent", 1, message["sid"])
    assert message["sid"].startswith("SM") and len(message["sid"]) == 34


def test_a_messaging_service_sends_instead_of_a_from_number(
    shop, fake_twilio, settings, django_capture_on_commit_callbacks
):
    settings.TWILIO_FROM_NUMBER = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "a" * 32
    delivery = send_campaign(shop, consenting_customer(shop), django_capture_on_commit_callbacks)
    [message] = fake_twilio.messages
    assert (message["MessagingServiceSid"], message["From"]) == ("MG" + "a" * 32, "")
    assert delivery.status == "sent"


def test_an_invalid_number_for_twilio_fails_for_good(shop, fake_twilio, django_capture_on_commit_callbacks):
    fake_twilio.fail_next(400, code=21211, message="The 'To' number +12125550123 is not a valid phone number.")
    delivery = send_campaign(shop, consenting_customer(shop), django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.reason, delivery.attempts) == ("failed", "permanent_error", 1)
    assert "21211" in delivery.last_error
    assert fake_twilio.messages == []


def test_an_unsubscribed_recipient_fails_and_loses_consent(shop, fake_twilio, django_capture_on_commit_callbacks):
    customer = consenting_customer(shop)
    fake_twilio.fail_next(400, code=21610, message="Attempt to send to unsubscribed recipient")
    delivery = send_campaign(shop, customer, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.reason) == ("failed", "permanent_error")
    customer.refresh_from_db()
    assert customer.sms_consent_at is None
    assert Suppression.objects.filter(channel="sms", address=PHONE).exists()
    assert fake_twilio.requests == 1


@pytest.mark.parametrize(("status", "code"), [(500, None), (503, None), (429, 20429)])
def test_an_outage_or_rate_limit_leaves_the_delivery_retrying(
    shop, fake_twilio, status, code, django_capture_on_commit_callbacks
):
    fake_twilio.fail_next(status, code=code)
    delivery = send_campaign(shop, consenting_customer(shop), django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=10)
    assert str(status) in delivery.last_error


def test_twilio_not_answering_times_out_and_retries(shop, fake_twilio, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(twilio_provider, "TIMEOUT", (5.0, 0.3))
    fake_twilio.hang()
    delivery = send_campaign(shop, consenting_customer(shop), django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "unreachable" in delivery.last_error
    fake_twilio.release()


def test_the_retry_after_an_outage_sends_it_once(shop, fake_twilio, django_capture_on_commit_callbacks):
    fake_twilio.fail_next(500)
    delivery = send_campaign(shop, consenting_customer(shop), django_capture_on_commit_callbacks)
    from notifications.services.deliveries import delivery_attempt

    assert delivery_attempt(delivery_id=str(delivery.pk), now=delivery.next_attempt_at) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [m["sid"] for m in fake_twilio.messages] == [delivery.provider_message_id]


def test_wrong_credentials_are_retried_not_dropped(shop, fake_twilio, settings, django_capture_on_commit_callbacks):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"
    delivery = send_campaign(shop, consenting_customer(shop), django_capture_on_commit_callbacks)
    assert delivery.status == "queued" and "20003" in delivery.last_error
    assert Delivery.objects.filter(status="failed").count() == 0


@pytest.mark.parametrize(
    ("missing", "environ"),
    [
        ("TWILIO_ACCOUNT_SID", {"TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": FROM_NUMBER}),
        ("TWILIO_AUTH_TOKEN", {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_FROM_NUMBER": FROM_NUMBER}),
        ("TWILIO_FROM_NUMBER", {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}),
    ],
)
def test_twilio_without_its_settings_refuses_to_start(monkeypatch, missing, environ):
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "TWILIO_MESSAGING_SERVICE_SID"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ImproperlyConfigured, match=missing):
        load_settings(monkeypatch, DJANGO_DEBUG="true", SMS_PROVIDER="twilio", **environ)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("TWILIO_FROM_NUMBER", "555-0123"), ("TWILIO_ACCOUNT_SID", "AC123"), ("TWILIO_API_BASE", "api.twilio.com")],
)
def test_a_malformed_twilio_setting_names_itself(monkeypatch, variable, value):
    with pytest.raises(ImproperlyConfigured, match=variable):
        load_settings(monkeypatch, DJANGO_DEBUG="true", **{variable: value})


def test_twilio_with_its_settings_starts(monkeypatch):
    loaded = load_settings(
        monkeypatch,
        DJANGO_DEBUG="true",
        SMS_PROVIDER="twilio",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_MESSAGING_SERVICE_SID="MG" + "b" * 32,
    )
    assert loaded["TWILIO_API_BASE"] == "https://api.twilio.com"
