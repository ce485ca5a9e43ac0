"""/dashboard/ follows the new_dashboard flag for the shop (the same for every member), an admin
moves a shop in and out, and PostHog hears of each person's answer at most once a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment
from insights.tests.test_owner_pages import book
from sixfb.flags import NEW_DASHBOARD
from sixfb.lib import analytics
from sixfb.models import Flag, Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db

NEW = 'data-dashboard="new"'


def flag() -> Flag:
    return Flag.objects.get(name=NEW_DASHBOARD)


def shop_in_bucket(*, inside: bool):
    """A shop the 20 % rollout takes in (or leaves out) by its hash alone."""
    rollout = flag()
    while True:
        owner, shop = make_owner()
        if (rollout.shop_bucket(shop) < float(rollout.shop_percent or 0)) == inside:
            return owner, shop


def templates(response) -> list[str]:
    return [t.name for t in response.templates]


def test_a_shop_outside_the_rollout_keeps_todays_dashboard(client):
    owner, _shop = shop_in_bucket(inside=False)
    client.force_login(owner)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "dashboard/index.html" in templates(response) and NEW not in response.content.decode()


# UTC offsets from +14 to -11, none more than 5 hours from the next: at any moment one of them is
# in its afternoon.
ZONES = (
    "Pacific/Kiritimati",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/Berlin",
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Pacific/Pago_Pago",
)


def afternoon_somewhere() -> str:
    """A time zone where it is now between 13:00 and 23:00, so that an appointment paid at noon
    today is in the past (today's revenue counts only what is paid)."""
    now = timezone.now()
    return next(name for name in ZONES if 13 <= now.astimezone(ZoneInfo(name)).hour < 23)


def test_a_shop_inside_the_rollout_gets_the_numbers_first(client):
    owner, shop = shop_in_bucket(inside=True)
    shop.timezone = afternoon_somewhere()
    shop.save(update_fields=["timezone"])
    today = timezone.now().astimezone(shop.tzinfo).date()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=shop.tzinfo)
    book(shop, "C1", noon, Appointment.Status.COMPLETED, paid="35.00")
    book(shop, "C2", noon - dt.timedelta(days=7), Appointment.Status.COMPLETED, paid="30.00")
    client.force_login(owner)
    response = client.get(reverse("dashboard"))
    page = response.content.decode()
    assert "insights/home.html" in templates(response) and NEW in page
    today_numbers = {m.key: (m.current, m.previous) for m in response.context["numbers"]["today"]}
    assert today_numbers["bookings"] == (1, 1)  # today against the same weekday last week
    assert today_numbers["revenue"] == (Decimal("35.00"), Decimal("30.00"))
    week = {m.key: (m.current, m.previous) for m in response.context["numbers"]["week"]}
    assert week["bookings"] == (1, 1)  # the last 7 days hold today's; the 7 before, last week's
    assert f'href="{reverse("insights:dashboard")}"' in page
    assert 'data-stat="team_size">1<' in page  # everything today's dashboard shows is still there


def test_every_member_of_a_shop_gets_the_same_dashboard(client):
    owner, shop = shop_in_bucket(inside=True)
    manager = add_member(shop=shop, role=Membership.Role.MANAGER)
    barber = add_member(shop=shop, role=Membership.Role.BARBER)
    for person in (owner, manager, barber):
        client.force_login(person)
        response = client.get(reverse("dashboard"))
        assert NEW in response.content.decode(), person
        # the numbers are for the owner and managers; a barber gets the rest of the page
        assert (response.context["numbers"] is not None) == (person is not barber)


def test_an_admin_moves_a_shop_in_and_out(client):
    owner, shop = shop_in_bucket(inside=False)
    client.force_login(owner)
    rollout = flag()
    rollout.shops.add(shop)
    rollout.save()  # the admin's form saves the flag, which drops waffle's cached copy
    assert NEW in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("insights:dashboard")).status_code == 200

    rollout.excluded_shops.add(shop)  # excluded wins over named
    rollout.save()
    assert NEW not in client.get(reverse("dashboard")).content.decode()
    assert client.get(reverse("insights:dashboard")).status_code == 302

    rollout.excluded_shops.remove(shop)
    rollout.shops.remove(shop)
    rollout.shop_percent = Decimal("100")
    rollout.save()
    assert NEW in client.get(reverse("dashboard")).content.decode()


@pytest.fixture
def posthog_on(fake_posthog):
    with override_settings(POSTHOG_API_KEY="phc_testproject0123456789", POSTHOG_HOST=fake_posthog.url):
        yield fake_posthog
        analytics.shutdown()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_exposure_is_sent_once_a_day_for_each_answer(client, posthog_on):
    owner, shop = shop_in_bucket(inside=True)
    manager = add_member(shop=shop, role=Membership.Role.MANAGER)
    client.force_login(owner)
    for _ in range(3):
        client.get(reverse("dashboard"))
    client.get(reverse("insights:dashboard"))
    rollout = flag()
    rollout.excluded_shops.add(shop)
    rollout.save()
    client.get(reverse("dashboard"))
    client.get(reverse("dashboard"))
    client.force_login(manager)
    client.get(reverse("dashboard"))
    analytics.flush()

    sent = [
        (event["distinct_id"], event["properties"]["$feature_flag_response"])
        for event in posthog_on.named("$feature_flag_called")
    ]
    assert sorted(sent) == sorted([(str(owner.uuid), True), (str(owner.uuid), False), (str(manager.uuid), False)])
    assert {event["properties"]["$feature_flag"] for event in posthog_on.named("$feature_flag_called")} == {
        NEW_DASHBOARD
    }
    assert {event["properties"]["$groups"]["shop"] for event in posthog_on.named("$feature_flag_called")} == {
        str(shop.uuid)
    }


def test_the_navigation_offers_the_numbers_to_managing_members_of_a_shop_in_the_rollout(client):
    link = f'href="{reverse("insights:dashboard")}"'
    owner, shop = shop_in_bucket(inside=True)
    barber = add_member(shop=shop, role=Membership.Role.BARBER)
    client.force_login(owner)
    assert link in client.get(reverse("agents")).content.decode()
    client.force_login(barber)
    assert link not in client.get(reverse("agents")).content.decode()
    outside_owner, _ = shop_in_bucket(inside=False)
    client.force_login(outside_owner)
    assert link not in client.get(reverse("agents")).content.decode()


def test_the_navigation_offers_the_cost_page_to_staff_only(client):
    link = f'href="{reverse("staff:costs")}"'
    owner, _shop = make_owner()
    client.force_login(owner)
    assert link not in client.get(reverse("agents")).content.decode()
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    assert link in client.get(reverse("agents")).content.decode()


def test_todays_revenue_is_set_against_the_same_hours_a_week_ago():
    """At 11:00, a payment made at 15:00 last week has not "happened yet" in the comparison."""
    from insights import report

    _owner, shop = make_owner()
    today = dt.date(2026, 12, 3)
    at = lambda day, hour: dt.datetime.combine(day, dt.time(hour), tzinfo=shop.tzinfo)  # noqa: E731
    last_week = today - dt.timedelta(days=7)
    book(shop, "Morning", at(last_week, 9), Appointment.Status.COMPLETED, paid="30.00")  # paid 09:30
    book(shop, "Afternoon", at(last_week, 15), Appointment.Status.COMPLETED, paid="50.00")  # paid 15:30
    book(shop, "Today", at(today, 10), Appointment.Status.COMPLETED, paid="40.00")  # paid 10:30
    numbers = report.home_metrics(shop=shop, now=at(today, 11))
    revenue = next(m for m in numbers["today"] if m.key == "revenue")
    bookings = next(m for m in numbers["today"] if m.key == "bookings")
    assert (revenue.current, revenue.previous) == (Decimal("40.00"), Decimal("30.00"))
    assert (bookings.current, bookings.previous) == (1, 2)  # bookings count the whole day
