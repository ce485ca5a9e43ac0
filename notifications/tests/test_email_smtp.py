"""The email channel over real SMTP to a fake relay on loopback: what arrives, and what each refusal
does to the delivery (a 5xx fails it for good; a 4xx or a refused connection retries it)."""

from __future__ import annotations

import contextlib

import pytest
from django.conf import settings
from django.test import override_settings

from notifications.models import Delivery
from notifications.services.notify import notify
from tests.base import make_owner
from tests.fakes.smtp import FakeSMTP

pytestmark = pytest.mark.django_db

SUMMARY = {"week": "23-29 Nov", "bookings": 42, "revenue": "1,470.00", "currency": "USD", "chats": 17}


@pytest.fixture
def smtp():
    fake = FakeSMTP().start()
    relay_settings = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=fake.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    )
    relay_settings.enable()
    yield fake
    relay_settings.disable()
    with contextlib.suppress(AssertionError):  # a test that stopped the relay itself
        fake.stop()


def _summary(django_capture_on_commit_callbacks, key: str = "w48") -> Delivery:
    user, shop = make_owner(email="owner@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(shop=shop, kind="weekly_summary", user=user, dedupe_key=key, payload=SUMMARY)
    assert notification is not None
    return notification.deliveries.get(channel="email")


def test_the_email_arrives_with_both_parts_and_one_click_unsubscribe(smtp, django_capture_on_commit_callbacks):
    delivery = _summary(django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert smtp.envelopes[0][1] == ["owner@example.com"]
    assert message["Message-ID"] == f"<{delivery.pk}@localhost>"
    assert delivery.provider_message_id == f"{delivery.pk}@localhost"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith(f"<{settings.SITE_URL}/notifications/unsubscribe/") and unsubscribe.endswith("/>")
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "42" in text.get_content() and "<html" in html.get_content().lower()


def test_a_permanent_refusal_fails_the_delivery_at_once(smtp, django_capture_on_commit_callbacks):
    smtp.refuse_with = (550, "5.1.1 no such user")
    delivery = _summary(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason, delivery.attempts) == ("failed", "permanent_error", 1)
    assert "550" in delivery.last_error
    assert delivery.next_attempt_at is not None  # the first plan's time, not a retry: nothing queued
    assert smtp.messages == []


@pytest.mark.parametrize("code", [451, 421])
def test_a_temporary_refusal_queues_a_retry(smtp, code, django_capture_on_commit_callbacks):
    smtp.refuse_with = (code, "4.3.0 try again later")
    delivery = _summary(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert str(code) in delivery.last_error
    assert delivery.next_attempt_at > delivery.created_at
    assert smtp.messages == []


def test_a_refused_connection_queues_a_retry_and_the_retry_sends(smtp, django_capture_on_commit_callbacks):
    from notifications.services import deliveries

    port = smtp.port
    smtp.stop()  # the relay is down: nothing listens on its port
    with override_settings(EMAIL_PORT=port):
        delivery = _summary(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in delivery.last_error

    relay = FakeSMTP().start()
    try:
        with override_settings(EMAIL_PORT=relay.port):
            result = deliveries.delivery_attempt(delivery_id=str(delivery.pk), now=delivery.next_attempt_at)
        assert result == "sent"
        assert len(relay.messages) == 1
        assert relay.messages[0]["Message-ID"] == f"<{delivery.pk}@localhost>"
    finally:
        relay.stop()
