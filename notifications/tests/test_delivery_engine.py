"""The delivery engine through its service: one notification per event, a delivery per channel,
claims that never send twice, retries with back-off, quiet hours, and the sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications.channels.base import TransientSendError
from notifications.channels.email import EmailChannel
from notifications.models import Delivery, Notification
from notifications.services import deliveries, preferences
from notifications.services.notify import notify
from tests.base import make_owner

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def owner_shop(django_capture_on_commit_callbacks):
    return make_owner(email="owner@example.com")


def _welcome(user, shop, key="welcome"):
    return notify(shop=shop, kind="welcome", user=user, dedupe_key=key, payload={})


def test_welcome_is_stored_in_app_and_emailed_once(owner_shop, django_capture_on_commit_callbacks):
    user, shop = owner_shop
    with django_capture_on_commit_callbacks(execute=True):
        notification = _welcome(user, shop)
    assert notification is not None and notification.inbox
    statuses = dict(notification.deliveries.values_list("channel", "status"))
    assert statuses == {"in_app": "sent", "email": "sent"}
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["owner@example.com"]
    assert sent.subject == "Welcome to 6FB Agents"
    assert "Fresh Cuts" in sent.body and sent.alternatives[0][1] == "text/html"
    email_delivery = notification.deliveries.get(channel="email")
    assert sent.extra_headers["Message-ID"] == f"<{email_delivery.pk}@localhost>"
    assert email_delivery.provider_message_id == f"{email_delivery.pk}@localhost"


def test_the_same_event_twice_is_one_notification(owner_shop, django_capture_on_commit_callbacks):
    user, shop = owner_shop
    with django_capture_on_commit_callbacks(execute=True):
        assert _welcome(user, shop) is not None
        assert _welcome(user, shop) is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_claimed_delivery_is_not_sent_by_a_second_attempt(owner_shop, django_capture_on_commit_callbacks):
    user, shop = owner_shop
    with django_capture_on_commit_callbacks(execute=False):
        notification = _welcome(user, shop)
    delivery = notification.deliveries.get(channel="email")
    assert deliveries.delivery_attempt(delivery_id=str(delivery.pk)) == "sent"
    assert deliveries.delivery_attempt(delivery_id=str(delivery.pk)) == "not_due"
    assert len(mail.outbox) == 1


def test_a_transient_failure_retries_with_back_off_then_gives_up(
    owner_shop, monkeypatch, django_capture_on_commit_callbacks
):
    user, shop = owner_shop
    with django_capture_on_commit_callbacks(execute=False):
        notification = _welcome(user, shop)
    delivery = notification.deliveries.get(channel="email")

    def refuse(self, delivery, context):
        raise TransientSendError("connection refused")

    monkeypatch.setattr(EmailChannel, "send", refuse)
    now = timezone.now()
    gaps = []
    for attempt in range(1, 6):
        result = deliveries.delivery_attempt(delivery_id=str(delivery.pk), now=now)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if attempt < 5:
            assert result == "retry" and delivery.status == "queued"
            gaps.append((delivery.next_attempt_at - now).total_seconds())
            now = delivery.next_attempt_at
        else:
            assert result == "failed" and delivery.status == "failed" and delivery.reason == "too_many_attempts"
    # 30 s base doubling, each with a jitter between 0.5x and 1.5x
    for n, gap in enumerate(gaps):
        assert 30 * 2**n * 0.5 <= gap <= 30 * 2**n * 1.5
    assert "connection refused" in delivery.last_error


def test_a_dead_workers_delivery_is_taken_back_by_the_sweep(owner_shop, django_capture_on_commit_callbacks):
    user, shop = owner_shop
    with django_capture_on_commit_callbacks(execute=False):
        notification = _welcome(user, shop)
    delivery = notification.deliveries.get(channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(
        status="sending", attempts=1, lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries.deliveries_sweep()["taken_back"] == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_quiet_hours_hold_email_until_they_end_in_the_shops_zone(owner_shop, django_capture_on_commit_callbacks):
    user, shop = owner_shop  # America/New_York
    preferences.preference_update(shop=shop, user=user, quiet_hours={"start": "22:00", "end": "07:00"})
    # 23:30 in New York on a winter night = 04:30 UTC next day
    night = dt.datetime(2026, 12, 8, 4, 30, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=False):
        notification = notify(
            shop=shop,
            kind="weekly_summary",
            user=user,
            dedupe_key="w1",
            payload={"week": "x", "bookings": 1, "revenue": "1.00", "currency": "USD", "chats": 0},
            not_before=night,
        )
    email = notification.deliveries.get(channel="email")
    assert email.status == "queued"
    assert email.next_attempt_at == dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)  # 07:00 EST


def test_preference_off_is_skipped_with_its_reason(owner_shop, django_capture_on_commit_callbacks):
    user, shop = owner_shop
    preferences.preference_update(shop=shop, user=user, channels={"summaries": {"email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            shop=shop,
            kind="weekly_summary",
            user=user,
            dedupe_key="w1",
            payload={"week": "x", "bookings": 1, "revenue": "1.00", "currency": "USD", "chats": 0},
        )
    email = notification.deliveries.get(channel="email")
    assert (email.status, email.reason) == ("skipped", "preference_off")


def test_a_missing_template_fails_the_delivery_without_breaking_the_caller(
    owner_shop, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import kinds

    user, shop = owner_shop
    monkeypatch.setitem(
        kinds.KINDS, "ghost", kinds.Kind("ghost", kinds.Audience.STAFF, kinds.Group.ACCOUNT, ("in_app", "email"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(shop=shop, kind="ghost", user=user, dedupe_key="g", payload={})
    statuses = {d.channel: (d.status, d.reason) for d in notification.deliveries.all()}
    assert statuses == {"in_app": ("failed", "permanent_error"), "email": ("failed", "permanent_error")}
    assert mail.outbox == []


def test_a_delivery_not_sent_before_it_expires_is_skipped(owner_shop, django_capture_on_commit_callbacks):
    user, shop = owner_shop
    soon = timezone.now() + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=False):
        notification = notify(
            shop=shop,
            kind="weekly_summary",
            user=user,
            dedupe_key="w1",
            expires_at=soon,
            payload={"week": "x", "bookings": 1, "revenue": "1.00", "currency": "USD", "chats": 0},
        )
    email = notification.deliveries.get(channel="email")
    assert deliveries.delivery_attempt(delivery_id=str(email.pk), now=soon + dt.timedelta(seconds=5)) == "skipped"
    email.refresh_from_db()
    assert (email.status, email.reason) == ("skipped", "past_due")
    assert mail.outbox == []
