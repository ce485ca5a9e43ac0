"""The notifications admin as a superuser: the lists with their filters and search, a notification with
its deliveries, and "send again" on deliveries."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Delivery, Suppression
from notifications.services import preferences
from notifications.services.notify import notify
from tests.base import make_owner, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def welcome(django_capture_on_commit_callbacks):
    user, shop = make_owner(email="owner@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(shop=shop, kind="welcome", user=user, dedupe_key="welcome", payload={})
    mail.outbox.clear()
    return notification


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("admin:notifications_notification_changelist", "user:"),
        ("admin:notifications_delivery_changelist", "owner@example.com"),
        ("admin:notifications_preference_changelist", "preferences of"),
        ("admin:notifications_suppression_changelist", "gone@example.com"),
    ],
)
def test_the_lists_open(admin_client, welcome, url, shown):
    preferences.preference_update(shop=welcome.shop, user=welcome.user, channels={"agents": {"email": True}})
    Suppression.objects.create(channel="email", address="gone@example.com", reason="bounce")
    response = admin_client.get(reverse(url))
    assert response.status_code == 200
    assert shown in response.text


def test_the_lists_filter_and_search(admin_client, welcome):
    email = welcome.deliveries.get(channel="email")
    deliveries = reverse("admin:notifications_delivery_changelist")
    for query in (
        {"status": "sent", "channel": "email"},
        {"reason": "preference_off"},
        {"notification__kind": "welcome"},
        {"notification__shop__id__exact": welcome.shop_id},
        {"q": "owner@example.com"},
        {"q": email.provider_message_id},
    ):
        response = admin_client.get(deliveries, query)
        assert response.status_code == 200, query
    assert "0 results" in admin_client.get(deliveries, {"reason": "preference_off"}).text
    assert str(email.pk) in admin_client.get(deliveries, {"q": email.provider_message_id}).text
    notifications = reverse("admin:notifications_notification_changelist")
    assert admin_client.get(notifications, {"kind": "welcome", "q": "owner@example.com"}).status_code == 200


def test_a_notification_shows_its_deliveries_read_only(admin_client, welcome):
    response = admin_client.get(reverse("admin:notifications_notification_change", args=[welcome.pk]))
    assert response.status_code == 200
    assert welcome.deliveries.get(channel="email").provider_message_id in response.text
    assert 'name="kind"' not in response.text  # nothing to edit
    delivery = welcome.deliveries.get(channel="email")
    assert admin_client.get(reverse("admin:notifications_delivery_change", args=[delivery.pk])).status_code == 200
    assert admin_client.get(reverse("admin:notifications_delivery_add")).status_code == 403


def test_send_again_queues_failed_and_skipped_deliveries_and_says_how_many(
    admin_client, welcome, django_capture_on_commit_callbacks
):
    email = welcome.deliveries.get(channel="email")
    in_app = welcome.deliveries.get(channel="in_app")
    Delivery.objects.filter(pk=email.pk).update(status="failed", reason="too_many_attempts", attempts=5)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "send_again", "_selected_action": [str(email.pk), str(in_app.pk)]},
            follow=True,
        )

    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert "1 delivery(ies) queued to send again." in texts
    assert any(t.startswith("1 left as they were") for t in texts)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.reason) == ("sent", 1, "")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.com"]


def test_send_again_still_honours_a_preference_switched_off(admin_client, django_capture_on_commit_callbacks):
    user, shop = make_owner(email="quiet@example.com")
    preferences.preference_update(shop=shop, user=user, channels={"summaries": {"email": False}})
    payload = {"week": "x", "bookings": 1, "revenue": "1.00", "currency": "USD", "chats": 0}
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(shop=shop, kind="weekly_summary", user=user, dedupe_key="w", payload=payload)
    email = notification.deliveries.get(channel="email")
    assert email.status == "skipped"

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "send_again", "_selected_action": [str(email.pk)]},
        )

    email.refresh_from_db()
    assert (email.status, email.reason) == ("skipped", "preference_off")
    assert mail.outbox == []


def test_a_suppression_can_be_lifted(admin_client):
    suppression = Suppression.objects.create(channel="email", address="bounced@example.com", reason="bounce")
    response = admin_client.post(
        reverse("admin:notifications_suppression_delete", args=[suppression.pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not Suppression.objects.exists()
