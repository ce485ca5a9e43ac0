"""The provider's tracking webhooks through anymail's real Postmark view, with Postmark's JSON
(as anymail's own tests record it): the delivery gets the provider's word, a hard bounce or a
complaint suppresses the address, and anything not authenticated is a 403 that changes nothing."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client, override_settings

from notifications.models import Delivery, Suppression
from notifications.services.notify import notify
from tests.base import make_owner

pytestmark = pytest.mark.django_db

URL = "/notifications/webhooks/email/postmark/tracking/"
SECRET = "postmark:s3cret-hook"
SUMMARY = {"week": "23-29 Nov", "bookings": 42, "revenue": "1,470.00", "currency": "USD", "chats": 17}
PROVIDER_ID = "2706ee8a-737c-4285-b032-ccd317af53ed"


def bounce(email: str) -> dict:
    return {
        "RecordType": "Bounce",
        "ID": 901542550,
        "Type": "HardBounce",
        "TypeCode": 1,
        "ServerID": 23,
        "Name": "Hard bounce",
        "MessageID": PROVIDER_ID,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "noreply@example.com",
        "BouncedAt": "2026-12-04T16:28:50.3963933-04:00",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Your week at Fresh Cuts",
    }


def delivered(email: str) -> dict:
    return {
        "RecordType": "Delivery",
        "ServerId": 23,
        "MessageID": PROVIDER_ID,
        "Recipient": email,
        "Tag": "",
        "Metadata": {},
        "DeliveredAt": "2026-12-04T13:28:10.2735393-04:00",
        "Details": "Test delivery webhook details",
    }


def complaint(email: str) -> dict:
    return {**bounce(email), "RecordType": "SpamComplaint", "Type": "SpamComplaint", "TypeCode": 512}


def post(event: dict, auth: str | None = SECRET):
    headers: dict[str, Any] = {}
    if auth is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return Client().post(URL, data=json.dumps(event), content_type="application/json", **headers)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """An email delivery as a provider sent it: sent, with the provider's message id."""
    user, shop = make_owner(email="owner@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(shop=shop, kind="weekly_summary", user=user, dedupe_key="w47", payload=SUMMARY)
    email = notification.deliveries.get(channel="email")
    Delivery.objects.filter(pk=email.pk).update(provider_message_id=PROVIDER_ID)
    return user, shop, email


@override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET})
def test_delivered_is_recorded_on_the_delivery(sent):
    *_, email = sent
    assert post(delivered("owner@example.com")).status_code == 200
    email.refresh_from_db()
    assert (email.status, email.provider_status) == ("sent", "delivered")
    assert not Suppression.objects.exists()


@override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET})
def test_a_hard_bounce_suppresses_the_address_and_the_next_email_is_skipped(sent, django_capture_on_commit_callbacks):
    user, shop, email = sent
    assert post(bounce("Owner@Example.com")).status_code == 200
    email.refresh_from_db()
    assert email.provider_status == "bounced" and "550 5.1.1" in email.last_error
    assert Suppression.objects.filter(channel="email", address="owner@example.com", reason="bounced").exists()
    # A late "delivered" does not hide the bounce
    assert post(delivered("owner@example.com")).status_code == 200
    email.refresh_from_db()
    assert email.provider_status == "bounced"

    with django_capture_on_commit_callbacks(execute=True):
        later = notify(shop=shop, kind="weekly_summary", user=user, dedupe_key="w48", payload=SUMMARY)
    assert later.deliveries.filter(channel="email", status="skipped", reason="suppressed").exists()


@override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET})
def test_a_complaint_suppresses_the_address(sent):
    assert post(complaint("owner@example.com")).status_code == 200
    assert Suppression.objects.get(channel="email", address="owner@example.com").reason == "complained"


@pytest.mark.parametrize("auth", [None, "postmark:wrong", "someone:s3cret-hook"])
@override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET})
def test_an_unauthenticated_webhook_is_refused_and_changes_nothing(sent, auth):
    *_, email = sent
    assert post(bounce("owner@example.com"), auth=auth).status_code == 403
    email.refresh_from_db()
    assert email.provider_status == "" and not Suppression.objects.exists()


@override_settings(ANYMAIL={})
def test_without_a_webhook_secret_every_webhook_is_refused(sent):
    # anymail alone would accept these (with a warning): nobody could tell a forgery from the provider
    *_, email = sent
    assert post(bounce("owner@example.com")).status_code == 403
    assert post(bounce("owner@example.com"), auth=None).status_code == 403
    email.refresh_from_db()
    assert email.provider_status == "" and not Suppression.objects.exists()
