"""The notification center and staff preferences through their URLs: one's own notifications only,
seen on opening, read on clicking, archive, snooze, cursor pages, and preferences saved."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import KINDS
from notifications.models import Notification, Preference
from notifications.services.inbox import snooze_until
from notifications.services.notify import notify
from sixfb.models import Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db

SUMMARY = KINDS["weekly_summary"].example


@pytest.fixture
def two_shops():
    owner_a, shop_a = make_owner(email="a@fresh.com", shop_name="Fresh Cuts")
    owner_b, shop_b = make_owner(email="b@sharp.com", shop_name="Sharp Lines")
    return owner_a, shop_a, owner_b, shop_b


def summary(user, shop, key: str, *, minutes_ago: int = 0) -> Notification:
    notification = notify(shop=shop, kind="weekly_summary", user=user, dedupe_key=key, payload=dict(SUMMARY))
    assert notification is not None
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return Notification.objects.get(pk=notification.pk)


def test_the_center_lists_my_notifications_newest_first_and_marks_them_seen(client, two_shops):
    owner_a, shop_a, owner_b, shop_b = two_shops
    older = summary(owner_a, shop_a, "w1", minutes_ago=90)
    newer = notify(shop=shop_a, kind="welcome", user=owner_a, dedupe_key="welcome", payload={})
    theirs = summary(owner_b, shop_b, "w1")
    client.force_login(owner_a)

    response = client.get(reverse("notifications"))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(f'id="n-{newer.pk}"') < body.index(f'id="n-{older.pk}"')
    assert "Your week at Fresh Cuts: 42 appointments, USD 1,470.00" in body
    assert str(theirs.pk) not in body and "Sharp Lines" not in body.split("<main", 1)[1]
    assert body.count("badge-new") == 2  # shown as new on this visit…
    assert not Notification.objects.filter(user=owner_a, seen_at__isnull=True).exists()  # …and seen from now on
    assert Notification.objects.get(pk=theirs.pk).seen_at is None


def test_the_bell_counts_unseen_and_drops_to_zero_after_opening_the_center(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    summary(owner_a, shop_a, "w1")
    summary(owner_a, shop_a, "w2")
    client.force_login(owner_a)

    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'aria-label="Notifications, 2 unseen"' in dashboard
    client.get(reverse("notifications"))
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'data-unseen="0"' in dashboard and 'aria-label="Notifications"' in dashboard


def test_opening_one_marks_it_read_and_goes_to_its_link(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    notification = summary(owner_a, shop_a, "w1")
    client.force_login(owner_a)

    response = client.post(reverse("notification_open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    notification.refresh_from_db()
    assert notification.read_at is not None and notification.seen_at is not None


def test_another_persons_notification_is_404_for_every_action(client, two_shops):
    owner_a, _shop_a, owner_b, shop_b = two_shops
    theirs = summary(owner_b, shop_b, "w1")
    client.force_login(owner_a)
    for name in ("notification_open", "notification_archive", "notification_snooze"):
        response = client.post(reverse(name, args=[theirs.pk]), {"until": "tomorrow"})
        assert response.status_code == 404, name
    theirs.refresh_from_db()
    assert (theirs.read_at, theirs.archived_at, theirs.snoozed_until) == (None, None, None)


def test_notifications_of_a_shop_i_left_are_gone(client, two_shops):
    owner_a, _shop_a, _owner_b, shop_b = two_shops
    Membership.objects.create(shop=shop_b, user=owner_a, role=Membership.Role.BARBER)
    old = summary(owner_a, shop_b, "w1")
    Membership.objects.filter(shop=shop_b, user=owner_a).delete()
    client.force_login(owner_a)

    assert str(old.pk) not in client.get(reverse("notifications")).content.decode()
    assert client.post(reverse("notification_open", args=[old.pk])).status_code == 404


def test_archive_hides_it_and_works_without_javascript(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    notification = summary(owner_a, shop_a, "w1")
    client.force_login(owner_a)

    response = client.post(
        reverse("notification_archive", args=[notification.pk]), {"next": "/notifications/?filter=unread"}
    )

    assert response.status_code == 302 and response["Location"] == "/notifications/?filter=unread"
    assert str(notification.pk) not in client.get(reverse("notifications")).content.decode()
    notification.refresh_from_db()
    assert notification.archived_at is not None


def test_archive_with_htmx_answers_the_fragment_and_the_bell(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    notification = summary(owner_a, shop_a, "w1")
    summary(owner_a, shop_a, "w2")
    client.force_login(owner_a)

    response = client.post(reverse("notification_archive", args=[notification.pk]), HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200 and "Archived." in body
    assert 'hx-swap-oob="true"' in body and 'aria-label="Notifications, 1 unseen"' in body


def test_an_unsafe_next_is_not_followed(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    notification = summary(owner_a, shop_a, "w1")
    client.force_login(owner_a)
    response = client.post(reverse("notification_archive", args=[notification.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"


def test_snooze_hides_it_until_then_and_brings_it_back_unread(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    notification = summary(owner_a, shop_a, "w1")
    client.force_login(owner_a)
    client.post(reverse("notification_open", args=[notification.pk]))

    before = timezone.now()
    assert (
        client.post(reverse("notification_snooze", args=[notification.pk]), {"until": "later_today"}).status_code == 302
    )

    notification.refresh_from_db()
    assert dt.timedelta(hours=3) <= notification.snoozed_until - before < dt.timedelta(hours=3, minutes=1)
    assert str(notification.pk) not in client.get(reverse("notifications")).content.decode()
    Notification.objects.filter(pk=notification.pk).update(snoozed_until=timezone.now() - dt.timedelta(seconds=1))
    page = client.get(reverse("notifications") + "?filter=unread").content.decode()
    assert f'id="n-{notification.pk}"' in page


def test_an_unknown_snooze_is_refused(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    notification = summary(owner_a, shop_a, "w1")
    client.force_login(owner_a)
    assert client.post(reverse("notification_snooze", args=[notification.pk]), {"until": "forever"}).status_code == 400
    notification.refresh_from_db()
    assert notification.snoozed_until is None


def test_snooze_times_are_the_shops_wall_clock_across_dst():
    new_york = zoneinfo.ZoneInfo("America/New_York")
    # Saturday 7 March 2026, 22:00 in New York; clocks spring forward that night.
    now = dt.datetime(2026, 3, 7, 22, 0, tzinfo=new_york)
    assert snooze_until(choice="tomorrow", now=now, tz=new_york) == dt.datetime(2026, 3, 8, 8, 0, tzinfo=new_york)
    assert snooze_until(choice="tomorrow", now=now, tz=new_york).astimezone(dt.UTC).hour == 12  # EDT, not EST
    assert snooze_until(choice="next_week", now=now, tz=new_york) == dt.datetime(2026, 3, 9, 8, 0, tzinfo=new_york)
    assert snooze_until(choice="later_today", now=now, tz=new_york) == now + dt.timedelta(hours=3)


def test_mark_all_read_reads_only_mine(client, two_shops):
    owner_a, shop_a, owner_b, shop_b = two_shops
    summary(owner_a, shop_a, "w1")
    summary(owner_a, shop_a, "w2")
    theirs = summary(owner_b, shop_b, "w1")
    client.force_login(owner_a)

    response = client.post(reverse("notifications_read_all"), {"next": "/notifications/"})

    assert response.status_code == 302
    assert not Notification.objects.filter(user=owner_a, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert "No unread notifications" in client.get(reverse("notifications") + "?filter=unread").content.decode()


def test_the_unread_filter_and_the_empty_states(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    client.force_login(owner_a)
    assert "You're all caught up" in client.get(reverse("notifications")).content.decode()
    read = summary(owner_a, shop_a, "w1")
    client.post(reverse("notification_open", args=[read.pk]))
    unread = summary(owner_a, shop_a, "w2")

    page = client.get(reverse("notifications") + "?filter=unread").content.decode()
    assert f'id="n-{unread.pk}"' in page and f'id="n-{read.pk}"' not in page
    client.post(reverse("notifications_read_all"))
    assert "No unread notifications" in client.get(reverse("notifications") + "?filter=unread").content.decode()


def test_pages_of_twenty_with_load_more(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    made = [summary(owner_a, shop_a, f"w{i}", minutes_ago=i) for i in range(25)]
    # Two with the same instant: the id breaks the tie, so neither is skipped nor shown twice.
    Notification.objects.filter(pk__in=[made[19].pk, made[20].pk]).update(created_at=made[19].created_at)
    client.force_login(owner_a)

    first = client.get(reverse("notifications")).content.decode()
    assert first.count('class="notif ') == 20 and "Load more" in first
    cursor = first.split("cursor=", 1)[1].split('"', 1)[0]
    more = client.get(reverse("notifications") + f"?cursor={cursor}", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in more and more.count('class="notif ') == 5 and "Load more" not in more
    shown = {n.pk for n in made if f'id="n-{n.pk}"' in first or f'id="n-{n.pk}"' in more}
    assert len(shown) == 25


def test_a_forged_cursor_starts_over(client, two_shops):
    owner_a, _shop_a, _owner_b, _shop_b = two_shops
    client.force_login(owner_a)
    response = client.get(reverse("notifications") + "?cursor=not-a-cursor")
    assert response.status_code == 302 and response["Location"] == "/notifications/"


def test_actions_need_a_post(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    notification = summary(owner_a, shop_a, "w1")
    client.force_login(owner_a)
    assert client.get(reverse("notification_archive", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications_read_all")).status_code == 405


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Preferences --------------------------------------------------------------------------------


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "bookings__in_app": "on",
        "bookings__email": "on",
        "billing__in_app": "on",
        "billing__email": "on",
        "agents__in_app": "on",
        "summaries__in_app": "on",
        "quiet_enabled": "on",
        "quiet_start": "22:00",
        "quiet_end": "07:30",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_preferences_show_the_defaults_and_the_shops_time_zone(client, two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    client.force_login(owner_a)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert shop_a.timezone in page
    assert 'name="bookings__email" id="id_bookings__email" checked' in page
    assert 'name="agents__email" id="id_agents__email">' in page  # agents: in-app only by default
    assert "staff accounts have no phone number yet" in page


def test_preferences_are_saved_per_shop_through_the_service(client, two_shops):
    owner_a, shop_a, _owner_b, shop_b = two_shops
    Membership.objects.create(shop=shop_b, user=owner_a, role=Membership.Role.MANAGER)
    client.force_login(owner_a)

    response = client.post(reverse("notification_preferences"), _form())

    assert response.status_code == 302
    saved = Preference.objects.get(user=owner_a)
    assert saved.shop == shop_a  # the current shop only
    assert saved.channels["marketing"] == {"in_app": False, "email": False}
    assert saved.channels["summaries"] == {"in_app": True, "email": False}
    assert (saved.quiet_hours_start, saved.quiet_hours_end) == (dt.time(22, 0), dt.time(7, 30))
    page = client.get(reverse("notification_preferences")).content.decode()
    assert 'name="summaries__email" id="id_summaries__email">' in page and 'value="22:00"' in page


def test_quiet_hours_off_and_bad_quiet_hours(client, two_shops):
    owner_a, _shop_a, _owner_b, _shop_b = two_shops
    client.force_login(owner_a)
    client.post(reverse("notification_preferences"), _form(quiet_enabled=None))
    assert Preference.objects.get(user=owner_a).quiet_hours_start is None

    same = client.post(reverse("notification_preferences"), _form(quiet_start="22:00", quiet_end="22:00"))
    assert same.status_code == 200 and "must not start and end at the same time" in same.content.decode()
    missing = client.post(reverse("notification_preferences"), _form(quiet_start=""))
    assert missing.status_code == 200 and "When do quiet hours start?" in missing.content.decode()
    assert Preference.objects.get(user=owner_a).quiet_hours_start is None


def test_a_barber_has_preferences_too_and_the_account_page_links_them(client, two_shops):
    _owner_a, shop_a, _owner_b, _shop_b = two_shops
    barber = add_member(shop=shop_a)
    client.force_login(barber)
    assert client.post(reverse("notification_preferences"), _form()).status_code == 302
    assert Preference.objects.filter(user=barber, shop=shop_a).exists()
    assert reverse("notification_preferences") in client.get(reverse("account_profile")).content.decode()
