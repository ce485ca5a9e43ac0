"""`/api/v1/notifications/` and `/api/v1/notification-preferences/` through the API: cursor pages,
the unread filter, read and read-all, preferences validated, and nobody else's notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.kinds import KINDS
from notifications.models import Notification, Preference
from notifications.services.notify import notify
from tests.base import make_owner, make_user

pytestmark = pytest.mark.django_db

SUMMARY = KINDS["weekly_summary"].example


@pytest.fixture
def two_shops():
    owner_a, shop_a = make_owner(email="a@fresh.com", shop_name="Fresh Cuts")
    owner_b, shop_b = make_owner(email="b@sharp.com", shop_name="Sharp Lines")
    return owner_a, shop_a, owner_b, shop_b


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def summary(user, shop, key: str, *, minutes_ago: int = 0) -> Notification:
    notification = notify(shop=shop, kind="weekly_summary", user=user, dedupe_key=key, payload=dict(SUMMARY))
    assert notification is not None
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return Notification.objects.get(pk=notification.pk)


def test_list_shape_and_only_mine(two_shops):
    owner_a, shop_a, owner_b, shop_b = two_shops
    mine = summary(owner_a, shop_a, "w1")
    summary(owner_b, shop_b, "w1")

    response = api(owner_a).get("/api/v1/notifications/")

    assert response.status_code == 200
    body = response.json()
    assert body["unseen"] == 1 and body["next_cursor"] is None
    assert body["results"] == [
        {
            "id": str(mine.pk),
            "kind": "weekly_summary",
            "title": "Your week at Fresh Cuts: 42 appointments, USD 1,470.00",
            "url": "/dashboard/",
            "created_at": body["results"][0]["created_at"],
            "seen_at": None,
            "read_at": None,
            "archived": False,
        }
    ]
    assert dt.datetime.fromisoformat(body["results"][0]["created_at"]) == mine.created_at


def test_cursor_pages_walk_everything_once(two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    made = [summary(owner_a, shop_a, f"w{i}", minutes_ago=i) for i in range(7)]
    Notification.objects.filter(pk__in=[made[2].pk, made[3].pk]).update(created_at=made[2].created_at)
    client = api(owner_a)

    seen, cursor, pages = [], "", 0
    while True:
        body = client.get("/api/v1/notifications/", {"limit": 3, "cursor": cursor}).json()
        seen += [item["id"] for item in body["results"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 7
    assert seen[:2] == [str(made[0].pk), str(made[1].pk)]


@pytest.mark.parametrize(
    ("params", "field"), [({"cursor": "bm9wZQ"}, "cursor"), ({"limit": 0}, "limit"), ({"limit": 101}, "limit")]
)
def test_bad_query_is_400_with_fields(two_shops, params, field):
    owner_a, _shop_a, _owner_b, _shop_b = two_shops
    response = api(owner_a).get("/api/v1/notifications/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]


def test_unread_filter_and_read_one(two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    first = summary(owner_a, shop_a, "w1", minutes_ago=5)
    second = summary(owner_a, shop_a, "w2")
    client = api(owner_a)

    response = client.post(f"/api/v1/notifications/{first.pk}/read")

    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert response.json()["seen_at"] is not None
    unread = client.get("/api/v1/notifications/", {"unread": 1}).json()
    assert [item["id"] for item in unread["results"]] == [str(second.pk)]
    assert unread["unseen"] == 1


def test_another_persons_notification_is_404(two_shops):
    owner_a, _shop_a, owner_b, shop_b = two_shops
    theirs = summary(owner_b, shop_b, "w1")
    response = api(owner_a).post(f"/api/v1/notifications/{theirs.pk}/read")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all_counts_mine_only(two_shops):
    owner_a, shop_a, owner_b, shop_b = two_shops
    summary(owner_a, shop_a, "w1")
    summary(owner_a, shop_a, "w2")
    summary(owner_b, shop_b, "w1")

    response = api(owner_a).post("/api/v1/notifications/read-all")

    assert response.status_code == 200 and response.json() == {"updated": 2}
    assert api(owner_a).post("/api/v1/notifications/read-all").json() == {"updated": 0}
    assert Notification.objects.filter(user=owner_b, read_at__isnull=True).count() == 1


def test_archived_ones_leave_the_list_and_are_in_the_archive(two_shops, client):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    notification = summary(owner_a, shop_a, "w1")
    client.force_login(owner_a)
    client.post(f"/notifications/{notification.pk}/archive/")
    assert api(owner_a).get("/api/v1/notifications/").json()["results"] == []
    archive = api(owner_a).get("/api/v1/notifications/", {"archived": "true"}).json()["results"]
    assert [(item["id"], item["archived"]) for item in archive] == [(str(notification.pk), True)]


def test_signed_out_is_refused():
    assert APIClient().get("/api/v1/notifications/").status_code == 403


# --- Preferences --------------------------------------------------------------------------------


def test_preferences_default_then_replaced(two_shops):
    owner_a, shop_a, _owner_b, _shop_b = two_shops
    client = api(owner_a)

    default = client.get("/api/v1/notification-preferences/").json()
    assert default["quiet_hours"] is None
    assert default["channels"]["agents"] == {"in_app": True, "email": False, "sms": False}
    assert set(default["channels"]) == {"bookings", "billing", "agents", "marketing", "summaries"}

    body = {
        "channels": {"marketing": {"email": False, "in_app": False}},
        "quiet_hours": {"start": "21:30", "end": "07:00"},
    }
    response = client.put("/api/v1/notification-preferences/", body, format="json")

    assert response.status_code == 200
    assert response.json()["channels"]["marketing"] == {"in_app": False, "email": False, "sms": False}
    assert response.json()["channels"]["bookings"]["email"] is True
    assert response.json()["quiet_hours"] == {"start": "21:30", "end": "07:00"}
    saved = Preference.objects.get(user=owner_a)
    assert saved.shop == shop_a and saved.quiet_hours_start == dt.time(21, 30)
    assert client.get("/api/v1/notification-preferences/").json() == response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channels": {"gossip": {"email": True}}, "quiet_hours": None}, "channels"),
        ({"channels": {"bookings": {"email": "yes"}}, "quiet_hours": None}, "channels"),
        ({"channels": {"bookings": {"pigeon": True}}, "quiet_hours": None}, "channels"),
        ({"channels": [], "quiet_hours": None}, "channels"),
        ({"channels": {}, "quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours"),
        ({"channels": {}, "quiet_hours": {"start": "07:00", "end": "07:00"}}, "quiet_hours"),
        ({"channels": {}, "quiet_hours": "night"}, "quiet_hours"),
        ({"quiet_hours": None}, "channels"),
        ({"channels": {}}, "quiet_hours"),
    ],
)
def test_bad_preferences_are_400_and_change_nothing(two_shops, body, field):
    owner_a, _shop_a, _owner_b, _shop_b = two_shops
    client = api(owner_a)
    client.put(
        "/api/v1/notification-preferences/",
        {"channels": {"bookings": {"email": False}}, "quiet_hours": None},
        format="json",
    )

    response = client.put("/api/v1/notification-preferences/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]
    assert Preference.objects.get(user=owner_a).channels == {"bookings": {"email": False}}


def test_no_shop_no_preferences():
    response = api(make_user()).get("/api/v1/notification-preferences/")
    assert response.status_code == 403 and response.json()["code"] == "not_a_member"


def test_the_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/v1/notifications/",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/notifications/read-all",
        "/api/v1/notification-preferences/",
    ):
        assert path in schema["paths"], path
    assert "put" in schema["paths"]["/api/v1/notification-preferences/"]
