"""Twilio's webhooks through their URLs, signed as Twilio signs them: status callbacks on a text we
sent, and STOP/START replies switching a customer's SMS consent. Forged or unsigned → 403, nothing
changes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bookings.models import Customer
from notifications.models import Delivery, Suppression
from notifications.tests.conftest import PHONE
from tests.base import make_owner
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, sign

pytestmark = pytest.mark.django_db(transaction=False)

STATUS_PATH = "/notifications/webhooks/twilio/status/"
INBOUND_PATH = "/notifications/webhooks/twilio/inbound/"


@pytest.fixture(autouse=True)
def twilio_token(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN


def post_signed(client, settings, path, params, *, signature=None):
    signature = sign(settings.SITE_URL + path, params) if signature is None else signature
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def sent(shop, fake_twilio, consenting_customer, send_campaign):
    delivery = send_campaign(shop, consenting_customer(shop))
    assert delivery.status == "sent"
    return delivery, fake_twilio.messages[0]


def test_status_callbacks_record_the_providers_word(client, settings, fake_twilio, sent):
    delivery, message = sent
    for status in ("queued", "sent", "delivered"):
        response = post_signed(client, settings, STATUS_PATH, fake_twilio.status_params(message, status))
        assert response.status_code == 200
        delivery.refresh_from_db()
        assert (delivery.status, delivery.provider_status) == ("sent", status)


def test_a_late_callback_does_not_undo_a_later_stage(client, settings, fake_twilio, sent):
    delivery, message = sent
    post_signed(client, settings, STATUS_PATH, fake_twilio.status_params(message, "delivered"))
    post_signed(client, settings, STATUS_PATH, fake_twilio.status_params(message, "sent"))
    delivery.refresh_from_db()
    assert delivery.provider_status == "delivered"


@pytest.mark.parametrize("status", ["undelivered", "failed"])
def test_a_carrier_failure_is_recorded_and_not_sent_again(client, settings, fake_twilio, sent, status):
    delivery, message = sent
    params = fake_twilio.status_params(message, status, error_code="30003")
    assert post_signed(client, settings, STATUS_PATH, params).status_code == 200
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_status) == ("sent", status)
    assert "30003" in delivery.last_error
    assert len(fake_twilio.messages) == 1


@pytest.mark.parametrize(
    "signature", ["", "bm90IHRoZSBzaWduYXR1cmU=", sign("https://elsewhere.example" + STATUS_PATH, {})]
)
def test_a_forged_or_missing_signature_is_refused_and_changes_nothing(client, settings, fake_twilio, sent, signature):
    delivery, message = sent
    params = fake_twilio.status_params(message, "failed", error_code="30007")
    if signature.startswith("bm90"):
        signature = sign(settings.SITE_URL + STATUS_PATH, params, token="someone-elses-token")
    assert post_signed(client, settings, STATUS_PATH, params, signature=signature).status_code == 403
    delivery.refresh_from_db()
    assert (delivery.provider_status, delivery.last_error) == ("", "")


def test_a_signature_over_other_params_is_refused(client, settings, fake_twilio, sent):
    delivery, message = sent
    signed_for = fake_twilio.status_params(message, "delivered")
    tampered = {**signed_for, "MessageStatus": "failed"}
    signature = sign(settings.SITE_URL + STATUS_PATH, signed_for)
    assert post_signed(client, settings, STATUS_PATH, tampered, signature=signature).status_code == 403
    delivery.refresh_from_db()
    assert delivery.provider_status == ""


def test_an_unknown_message_is_answered_200_and_changes_nothing(client, settings, fake_twilio, sent):
    delivery, message = sent
    params = fake_twilio.status_params({**message, "sid": "SM" + "f" * 32}, "delivered")
    assert post_signed(client, settings, STATUS_PATH, params).status_code == 200
    delivery.refresh_from_db()
    assert delivery.provider_status == ""


def test_without_twilio_configured_every_webhook_is_refused(client, settings, shop, consenting_customer):
    settings.TWILIO_AUTH_TOKEN = ""
    customer = consenting_customer(shop)
    params = {"From": PHONE, "Body": "STOP", "MessageSid": "SM" + "1" * 32}
    assert post_signed(client, settings, INBOUND_PATH, params).status_code == 403
    customer.refresh_from_db()
    assert customer.sms_consent_at is not None


def inbound(client, settings, body, phone=PHONE):
    params = {"AccountSid": ACCOUNT_SID, "From": phone, "To": FROM_NUMBER, "Body": body, "MessageSid": "SM" + "2" * 32}
    response = post_signed(client, settings, INBOUND_PATH, params)
    assert response.status_code == 200
    return response


def test_stop_withdraws_consent_in_every_shop_and_start_gives_it_back(
    client, settings, shop, fake_twilio, consenting_customer, send_campaign
):
    customer = consenting_customer(shop)
    other_shop = make_owner(email="other@example.com", shop_name="Sharp Edges")[1]
    elsewhere = consenting_customer(other_shop)

    response = inbound(client, settings, "  Stop ")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response/>")
    for person in (customer, elsewhere):
        person.refresh_from_db()
        assert person.sms_consent_at is None
    assert Suppression.objects.filter(channel="sms", address=PHONE).exists()
    skipped = send_campaign(shop, customer, key="after-stop")
    assert (skipped.status, skipped.reason) == ("skipped", "no_consent")
    assert fake_twilio.messages == []

    assert inbound(client, settings, "START").status_code == 200
    customer.refresh_from_db()
    assert customer.sms_consent_at is not None
    assert not Suppression.objects.filter(channel="sms", address=PHONE).exists()
    again = send_campaign(shop, customer, key="after-start")
    assert again.status == "sent"
    assert [m["To"] for m in fake_twilio.messages] == [PHONE]


def test_a_suppressed_number_is_skipped_even_with_consent(client, settings, shop, consenting_customer, send_campaign):
    customer = consenting_customer(shop)
    inbound(client, settings, "unsubscribe")
    Customer.objects.filter(pk=customer.pk).update(sms_consent_at=timezone.now())  # consent set again by hand
    delivery = send_campaign(shop, customer)
    assert (delivery.status, delivery.reason) == ("skipped", "suppressed")


@pytest.mark.parametrize("word", ["STOPALL", "cancel", "End", "quit"])
def test_every_opt_out_word_stops(client, settings, shop, word, consenting_customer):
    customer = consenting_customer(shop)
    inbound(client, settings, word)
    customer.refresh_from_db()
    assert customer.sms_consent_at is None


@pytest.mark.parametrize("body", ["Yes", "start"])
def test_a_start_without_a_stop_gives_no_consent(client, settings, shop, body):
    customer = Customer.objects.create(shop=shop, name="Never asked", phone=PHONE)
    assert inbound(client, settings, body).status_code == 200
    customer.refresh_from_db()
    assert customer.sms_consent_at is None


def test_other_text_changes_nothing_and_is_not_logged(client, settings, shop, caplog, consenting_customer):
    customer = consenting_customer(shop)
    with caplog.at_level("INFO"):
        response = inbound(client, settings, "please stop by at 5, my secret is 1234")
    assert response.status_code == 200 and response.content.decode().endswith("<Response/>")
    customer.refresh_from_db()
    assert customer.sms_consent_at is not None
    assert not Suppression.objects.exists()
    assert "secret" not in caplog.text and PHONE not in caplog.text
    assert "ignored" in caplog.text


def test_a_forged_stop_changes_nothing(client, settings, shop, consenting_customer):
    customer = consenting_customer(shop)
    params = {"From": PHONE, "Body": "STOP", "MessageSid": "SM" + "3" * 32}
    response = post_signed(client, settings, INBOUND_PATH, params, signature=sign(settings.SITE_URL, params))
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.sms_consent_at is not None
    assert not Delivery.objects.exists() and not Suppression.objects.exists()
