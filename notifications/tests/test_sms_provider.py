"""Texts going out: the console provider by default, and Twilio through its real SDK over HTTP to a
fake Twilio on loopback (accepted, refused for good, refused for now, no answer)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from notifications.channels.sms import twilio as twilio_provider
from notifications.models import Delivery, Suppression
from notifications.tests.conftest import PHONE
from sixfb.tests.test_configuration import load_settings
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_console_provider_is_the_default_and_logs_the_text(
    shop, settings, caplog, consenting_customer, send_campaign
):
    assert settings.SMS_PROVIDER == "console"
    customer = consenting_customer(shop)
    with caplog.at_level(logging.INFO, logger="notifications.channels.sms.console"):
        delivery = send_campaign(shop, customer)
    assert (delivery.status, delivery.provider_message_id) == ("sent", f"console-{delivery.pk}")
    assert f"SMS to {PHONE}: Fresh Cuts: 20% off beard trims this week. Reply STOP to opt out" in caplog.text


def test_an_invalid_phone_is_skipped_not_sent(shop, fake_twilio, consenting_customer, send_campaign):
    customer = consenting_customer(shop, phone="+1555")
    delivery = send_campaign(shop, customer)
    assert (delivery.status, delivery.reason) == ("skipped", "invalid_address")
    assert fake_twilio.requests == 0


def test_twilio_sends_the_text_as_it_is_and_the_delivery_keeps_its_sid(
    shop, fake_twilio, settings, consenting_customer, send_campaign
):
    customer = consenting_customer(shop)
    delivery = send_campaign(shop, customer)
    [message] = fake_twilio.messages
    assert message["To"] == PHONE and message["From"] == FROM_NUMBER
    assert message["Body"] == "Fresh Cuts: 20% off beard trims this week. Reply STOP to opt out"
    assert message["StatusCallback"] == settings.SITE_URL + "/notifications/webhooks/twilio/status/"
    assert (delivery.status, delivery.attempts, delivery.provider_message_id) == ("sent", 1, message["sid"])
    assert message["sid"].startswith("SM") and len(message["sid"]) == 34


def test_a_messaging_service_sends_instead_of_a_from_number(
    shop, fake_twilio, settings, consenting_customer, send_campaign
):
    settings.TWILIO_FROM_NUMBER = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "a" * 32
    delivery = send_campaign(shop, consenting_customer(shop))
    [message] = fake_twilio.messages
    assert (message["MessagingServiceSid"], message["From"]) == ("MG" + "a" * 32, "")
    assert delivery.status == "sent"


def test_an_invalid_number_for_twilio_fails_for_good(shop, fake_twilio, consenting_customer, send_campaign):
    fake_twilio.fail_next(400, code=21211, message="The 'To' number +12125550123 is not a valid phone number.")
    delivery = send_campaign(shop, consenting_customer(shop))
    assert (delivery.status, delivery.reason, delivery.attempts) == ("failed", "permanent_error", 1)
    assert "21211" in delivery.last_error
    assert fake_twilio.messages == []


def test_an_unsubscribed_recipient_fails_and_loses_consent(shop, fake_twilio, consenting_customer, send_campaign):
    customer = consenting_customer(shop)
    fake_twilio.fail_next(400, code=21610, message="Attempt to send to unsubscribed recipient")
    delivery = send_campaign(shop, customer)
    assert (delivery.status, delivery.reason) == ("failed", "permanent_error")
    customer.refresh_from_db()
    assert customer.sms_consent_at is None
    assert Suppression.objects.filter(channel="sms", address=PHONE).exists()
    assert fake_twilio.requests == 1


@pytest.mark.parametrize(("status", "code"), [(500, None), (503, None), (429, 20429)])
def test_an_outage_or_rate_limit_leaves_the_delivery_retrying(
    shop, fake_twilio, status, code, consenting_customer, send_campaign
):
    fake_twilio.fail_next(status, code=code)
    delivery = send_campaign(shop, consenting_customer(shop))
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=10)
    assert str(status) in delivery.last_error


def test_twilio_not_answering_times_out_and_retries(shop, fake_twilio, monkeypatch, consenting_customer, send_campaign):
    monkeypatch.setattr(twilio_provider, "TIMEOUT", (5.0, 0.3))
    fake_twilio.hang()
    delivery = send_campaign(shop, consenting_customer(shop))
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "unreachable" in delivery.last_error
    fake_twilio.release()


def test_the_retry_after_an_outage_sends_it_once(shop, fake_twilio, consenting_customer, send_campaign):
    fake_twilio.fail_next(500)
    delivery = send_campaign(shop, consenting_customer(shop))
    from notifications.services.deliveries import delivery_attempt

    assert delivery_attempt(delivery_id=str(delivery.pk), now=delivery.next_attempt_at) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [m["sid"] for m in fake_twilio.messages] == [delivery.provider_message_id]


def test_wrong_credentials_are_retried_not_dropped(shop, fake_twilio, settings, consenting_customer, send_campaign):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"
    delivery = send_campaign(shop, consenting_customer(shop))
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
