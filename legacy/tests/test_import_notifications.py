"""``import_legacy_sqlite`` on the notification tables and the profiles' notification settings: history
in as sent or failed deliveries, queued rows live or skipped as past due, the owner's preferences,
idempotent, and nothing written by a dry run nor sent by any run."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from django.core import mail

from legacy.models import LegacyRecord
from legacy.tests.legacy_db import build_legacy_db, run_import, sha256_legacy
from notifications.models import Delivery, Notification, Preference
from sixfb.models import User

pytestmark = pytest.mark.django_db

USERS = [{"id": 1, "email": "mike@shop.com", "password_hash": sha256_legacy("pw"), "shop_name": "Mike's Cuts"}]
PROFILE = {
    "barbershop": {"name": "Mike's Cuts"},
    "notifications": {
        "emailEnabled": True,
        "smsEnabled": False,
        "campaignAlerts": "false",
        "bookingAlerts": True,
        "systemAlerts": 0,
    },
}
BUSINESS = {
    "barbershops": [{"id": "bs-1", "name": "Mike's", "owner_id": "1"}],
    "customers": [{"id": "c1", "name": "Ann", "phone": "(217) 555-0134", "email": "ann@example.com"}],
}


def history(row_id: int, channel: str, recipient: str, status: str, **extra: object) -> dict:
    return {
        "id": row_id,
        "user_id": 1,
        "type": channel,
        "recipient": recipient,
        "subject": f"Subject {row_id}",
        "content": f"Content {row_id}",
        "status": status,
        "sent_at": "2024-01-05 10:00:00",
        "metadata": "{}",
        **extra,
    }


def queued(row_id: int, status: str, scheduled_at: str, **extra: object) -> dict:
    return {
        "id": row_id,
        "user_id": 1,
        "notification_type": "email",
        "recipient": "ann@example.com",
        "subject": "Winter special",
        "content": "20% off beard trims",
        "status": status,
        "scheduled_at": scheduled_at,
        **extra,
    }


@pytest.fixture
def legacy_file(tmp_path):
    return build_legacy_db(
        tmp_path / "agent_system.db",
        users=USERS,
        profiles=[{"id": 1, "user_id": 1, "profile_data": json.dumps(PROFILE)}],
        business=BUSINESS,
        notifications=[
            history(1, "email", "mike@shop.com", "sent"),
            history(2, "sms", "(217) 555-0134", "failed", error_message="carrier said no"),
            history(3, "email", "ANN@example.com", "error"),
            history(4, "email", "stranger@elsewhere.com", "sent"),
            history(5, "push", "mike@shop.com", "sent"),
            history(6, "email", "", "sent", user_id=99),
        ],
        notification_queue=[
            queued(1, "pending", "2099-01-05 10:00:00", template_id="campaign_email"),
            queued(2, "pending", "2024-01-05 10:00:00"),
            queued(
                3,
                "processing",
                "2099-01-04T10:00:00Z",
                notification_type="sms",
                recipient="+12175550134",
                template_id="booking_reminder",
                template_data=json.dumps({"service_name": "Fade"}),
            ),
            queued(4, "cancelled", "2099-01-05 10:00:00"),
            queued(5, "sent", "2024-01-01 09:00:00", processed_at="2024-01-01 09:00:05", retry_count=1),
        ],
    )


def delivery(table: str, row_id: int) -> Delivery:
    return Delivery.objects.select_related("notification").get(notification__dedupe_key=f"legacy:{table}:{row_id}")


def snapshot() -> list[tuple]:
    return sorted(
        (str(d.pk), d.status, d.reason, d.next_attempt_at, d.sent_at, d.updated_at, d.notification.kind)
        for d in Delivery.objects.select_related("notification")
    )


def test_history_and_queue_become_notifications_and_deliveries(legacy_file):
    code, out = run_import(legacy_file)

    assert code == 0, out
    mike = User.objects.get(email="mike@shop.com")
    sent = delivery("notification_history", 1)
    assert (sent.notification.user, sent.notification.kind) == (mike, "legacy_message")
    assert sent.notification.payload == {"subject": "Subject 1", "content": "Content 1"}
    assert (sent.channel, sent.status, sent.address) == ("email", "sent", "mike@shop.com")
    assert sent.sent_at == dt.datetime(2024, 1, 5, 10, tzinfo=dt.UTC)
    assert not sent.notification.inbox  # history by email: not a new item in the notification center

    by_phone = delivery("notification_history", 2)
    assert by_phone.notification.customer.name == "Ann"
    assert by_phone.notification.kind == "legacy_customer_message"
    assert (by_phone.channel, by_phone.status, by_phone.reason) == ("sms", "failed", "too_many_attempts")
    assert by_phone.last_error == "carrier said no"
    by_email = delivery("notification_history", 3)
    assert by_email.notification.customer == by_phone.notification.customer
    assert (by_email.status, by_email.reason) == ("failed", "permanent_error")

    # no home: kept archived, with the reason counted
    for row_id in (4, 5):
        record = LegacyRecord.objects.get(source_table="notification_history", source_id=str(row_id))
        assert record.archived and not record.target_id and record.payload["content"] == f"Content {row_id}"
    assert "kept archived: its recipient is neither its user nor a customer of the shop" in out
    assert "kept archived: neither an email nor an SMS" in out
    record = LegacyRecord.objects.get(source_table="notification_history", source_id="1")
    assert (record.target_type, record.target_id) == ("notifications.notification", str(sent.notification.pk))
    assert not record.archived

    campaign = delivery("notification_queue", 1)
    assert campaign.notification.kind == "campaign"  # the template data (subject, text) has what it needs
    shop_slug = campaign.notification.shop.slug  # and the shop's booking page, which the old one lacked
    payload = dict(campaign.notification.payload)
    assert payload.pop("book_url") == f"https://localhost/book/{shop_slug}/"
    assert payload == {"subject": "Winter special", "text": "20% off beard trims"}
    assert (campaign.status, campaign.next_attempt_at) == ("queued", dt.datetime(2099, 1, 5, 10, tzinfo=dt.UTC))
    assert delivery("notification_queue", 2).status == "skipped"
    assert delivery("notification_queue", 2).reason == "past_due"
    reminder = delivery("notification_queue", 3)  # lacks what a reminder needs: sent as the legacy text
    assert reminder.notification.kind == "legacy_customer_message"
    assert (reminder.channel, reminder.status) == ("sms", "queued")
    cancelled = delivery("notification_queue", 4)
    assert (cancelled.status, cancelled.reason) == ("skipped", "obsolete")
    done = delivery("notification_queue", 5)
    assert (done.status, done.attempts, done.sent_at) == ("sent", 1, dt.datetime(2024, 1, 1, 9, 0, 5, tzinfo=dt.UTC))
    assert "note 2: queued to go at its scheduled time" in out
    assert "note 1: still pending but past due: skipped (past_due), not sent" in out

    assert mail.outbox == []  # an import sends nothing; the live ones go at their time


def test_the_owners_profile_settings_become_their_preferences(legacy_file):
    run_import(legacy_file)

    preference = Preference.objects.get(user__email="mike@shop.com")
    off = {"in_app": False, "email": False, "sms": False}
    assert preference.channels == {
        "bookings": {"sms": False},
        "billing": {"sms": False},
        "agents": off,
        "marketing": off,
        "summaries": {"sms": False},
    }


def test_a_second_run_changes_nothing_and_a_dry_run_writes_nothing(legacy_file):
    code, out = run_import(legacy_file, "--dry-run")
    assert code == 0, out
    assert not Notification.objects.exists() and not Preference.objects.exists()
    assert "notification_history" in out and "Dry run: nothing was written." in out

    run_import(legacy_file)
    before = snapshot()
    preference = Preference.objects.get()
    code, out = run_import(legacy_file)

    assert code == 0, out
    assert snapshot() == before
    assert Preference.objects.get().updated_at == preference.updated_at
    assert Notification.objects.count() == 8
    line = next(x for x in out.splitlines() if x.startswith("notification_queue ")).split()
    assert line[1:5] == ["5", "0", "0", "5"]  # read, created, updated, unchanged


def test_a_preference_changed_in_the_product_is_kept_by_a_second_run(legacy_file):
    run_import(legacy_file)
    preference = Preference.objects.get()
    preference.channels = {"marketing": {"email": True}}
    preference.save()

    run_import(legacy_file)

    assert Preference.objects.get().channels == {"marketing": {"email": True}}


def test_a_queued_row_the_old_system_sent_since_is_not_sent_again(legacy_file):
    run_import(legacy_file)
    conn = sqlite3.connect(legacy_file)
    conn.execute("UPDATE notification_queue SET status = 'sent', processed_at = '2025-01-01 00:00:00' WHERE id = 1")
    conn.commit()
    conn.close()

    code, out = run_import(legacy_file)

    assert code == 0, out
    campaign = delivery("notification_queue", 1)
    assert (campaign.status, campaign.sent_at) == ("sent", dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert Notification.objects.filter(dedupe_key="legacy:notification_queue:1").count() == 1


def test_rows_archived_by_an_earlier_version_are_promoted_not_duplicated(legacy_file):
    run_import(legacy_file, "--only", "users,shop_profiles,business,archive")
    LegacyRecord.objects.filter(source_table__startswith="notification_").delete()
    run_import(legacy_file, "--only", "users,shop_profiles,business")
    # an earlier version archived the notification tables as they were
    from legacy import archive
    from legacy.importer import Importer

    imp = Importer(legacy_file)
    imp.load_user_map()
    for table in ("notification_history", "notification_queue"):
        archive.archive_table(imp, table)
    imp.reader.close()
    assert LegacyRecord.objects.filter(source_table="notification_history", archived=True).count() == 6

    code, out = run_import(legacy_file)

    assert code == 0, out
    assert Notification.objects.count() == 8
    assert LegacyRecord.objects.filter(source_table="notification_history").count() == 6
    assert LegacyRecord.objects.filter(source_table="notification_history", archived=False).count() == 3
