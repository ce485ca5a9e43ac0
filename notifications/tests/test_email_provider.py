"""The provider path: anymail's real Postmark backend against a fake Postmark API on loopback.
Accepted → sent with Postmark's message id; 422 → failed for good; 500 or no answer → retried."""

from __future__ import annotations

import pytest
from django.test import override_settings

from notifications.models import Delivery
from notifications.services.notify import notify
from tests.base import make_owner
from tests.fakes.postmark import INACTIVE_RECIPIENT, SERVER_ERROR, FakePostmark

pytestmark = pytest.mark.django_db

SUMMARY = {"week": "23-29 Nov", "bookings": 42, "revenue": "1,470.00", "currency": "USD", "chats": 17}


def _postmark_settings(url: str) -> override_settings:
    return override_settings(
        EMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
        ANYMAIL={"POSTMARK_SERVER_TOKEN": "server-token", "POSTMARK_API_URL": url + "/", "WEBHOOK_SECRET": "a:b"},
    )


@pytest.fixture
def postmark():
    fake = FakePostmark().start()
    with _postmark_settings(fake.url):
        yield fake
    fake.stop()


def _summary(capture) -> Delivery:
    user, shop = make_owner(email="owner@example.com")
    with capture(execute=True):
        notification = notify(shop=shop, kind="weekly_summary", user=user, dedupe_key="w48", payload=SUMMARY)
    assert notification is not None
    email = notification.deliveries.get(channel="email")
    email.refresh_from_db()
    return email


def test_accepted_by_the_provider_is_sent_with_its_message_id(postmark, django_capture_on_commit_callbacks):
    email = _summary(django_capture_on_commit_callbacks)
    assert (email.status, email.attempts) == ("sent", 1)
    assert postmark.tokens == ["server-token"]
    assert email.provider_message_id == postmark.message_ids[0]
    [request] = postmark.sent
    assert request["To"] == "owner@example.com"
    assert "42" in request["TextBody"] and "<html" in request["HtmlBody"].lower()
    headers = {h["Name"]: h["Value"] for h in request["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in headers["List-Unsubscribe"]


def test_a_422_refusal_fails_for_good(postmark, django_capture_on_commit_callbacks):
    postmark.answer_with = (422, INACTIVE_RECIPIENT)
    email = _summary(django_capture_on_commit_callbacks)
    assert (email.status, email.reason, email.attempts) == ("failed", "permanent_error", 1)
    assert "AnymailRecipientsRefused" in email.last_error


def test_a_422_that_is_not_about_the_recipient_fails_for_good_too(postmark, django_capture_on_commit_callbacks):
    postmark.answer_with = (422, {"ErrorCode": 300, "Message": "Invalid 'From' address: 'x'."})
    email = _summary(django_capture_on_commit_callbacks)
    assert (email.status, email.reason) == ("failed", "permanent_error")


@pytest.mark.parametrize("answer", [(500, SERVER_ERROR), (429, {"ErrorCode": 429, "Message": "Rate limit exceeded."})])
def test_a_server_error_or_rate_limit_is_retried(postmark, answer, django_capture_on_commit_callbacks):
    postmark.answer_with = answer
    email = _summary(django_capture_on_commit_callbacks)
    assert (email.status, email.attempts) == ("queued", 1)
    assert str(answer[0]) in email.last_error and email.next_attempt_at > email.created_at


def test_an_unreachable_provider_is_retried(django_capture_on_commit_callbacks):
    fake = FakePostmark().start()
    url = fake.url
    fake.stop()  # nothing listens there any more
    with _postmark_settings(url):
        email = _summary(django_capture_on_commit_callbacks)
    assert (email.status, email.attempts) == ("queued", 1)
    assert "AnymailRequestsAPIError" in email.last_error
