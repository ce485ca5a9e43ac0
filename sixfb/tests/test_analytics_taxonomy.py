"""The event taxonomy reaches PostHog (a loopback fake, through the real SDK) with the documented
properties, and no personal data: no email, name, phone or shop name in anything sent."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from billing.models import Plan
from billing.services import shop_plan_set_manually
from bookings import services as bookings
from bookings.tests.support import MONDAY, booking_shop, morning_of
from sixfb.lib import analytics
from sixfb.models import Shop, User
from tests.base import PASSWORD, make_owner
from tests.fixtures import seed_catalog

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PERSONAL = ["jane.doe@example.com", "Jane Doe", "Priya Secretname", "priya@example.com", "555-0199"]


@pytest.fixture(autouse=True)
def _catalog():
    seed_catalog()  # the plans and agents, whatever an earlier transactional test flushed


@pytest.fixture
def posthog_on(fake_posthog):
    with override_settings(POSTHOG_API_KEY="phc_testproject0123456789", POSTHOG_HOST=fake_posthog.url):
        yield fake_posthog
        analytics.shutdown()


def assert_no_personal_data(fake) -> None:
    everything = json.dumps(fake.events)
    for value in PERSONAL:
        assert value not in everything


def test_sign_up_describes_the_shop_by_its_plan_and_never_its_name(client, posthog_on):
    client.post(
        reverse("account_signup"),
        {"email": "jane.doe@example.com", "password1": PASSWORD, "shop_name": "Jane Doe"},
    )
    analytics.flush()

    user, shop = User.objects.get(), Shop.objects.get()
    [group] = posthog_on.named("$groupidentify")
    assert group["properties"]["$group_type"] == "shop"
    assert group["properties"]["$group_key"] == str(shop.uuid)
    assert group["properties"]["$group_set"] == {"plan": "free", "plan_status": "active", "timezone": shop.timezone}
    [signed_up] = posthog_on.named("user_signed_up")
    assert signed_up["distinct_id"] == str(user.uuid)
    # The starting agent, switched on for every new shop, and the welcome email.
    [enabled] = posthog_on.named("agent_enabled")
    assert (enabled["properties"]["agent"], enabled["properties"]["custom"]) == ("business_coach", False)
    assert enabled["properties"]["$groups"] == {"shop": str(shop.uuid)}
    [sent] = posthog_on.named("notification_sent")
    assert (sent["properties"]["channel"], sent["properties"]["kind"]) == ("email", "welcome")
    assert_no_personal_data(posthog_on)


def test_agents_switched_off_and_on_from_the_agents_page(client, posthog_on):
    owner, shop = make_owner(email="jane.doe@example.com", shop_name="Jane Doe")
    client.force_login(owner)

    client.post(reverse("agent_disable", args=["business_coach"]))
    client.post(reverse("agent_enable", args=["business_coach"]))
    analytics.flush()

    [disabled] = posthog_on.named("agent_disabled")
    assert disabled["properties"]["agent"] == "business_coach"
    assert disabled["properties"]["reason"] == ""
    assert disabled["distinct_id"] == f"shop:{shop.uuid}"
    assert len(posthog_on.named("agent_enabled")) == 2  # at sign-up, and again now
    assert_no_personal_data(posthog_on)


def test_a_plan_set_by_hand_updates_the_shop_group(posthog_on):
    _owner, shop = make_owner(email="jane.doe@example.com", shop_name="Jane Doe")

    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="professional"))
    analytics.flush()

    plans = [e["properties"]["$group_set"]["plan"] for e in posthog_on.named("$groupidentify")]
    assert plans == ["free", "professional"]


def test_a_cancelled_booking_is_tracked_for_the_shop_without_the_customer(posthog_on):
    b = booking_shop()
    days_before = morning_of(MONDAY - dt.timedelta(days=3), b.shop)  # inside the online cancellation window
    customer = bookings.customer_for_booking(
        shop=b.shop, name="Priya Secretname", phone="(212) 555-0199", email="priya@example.com"
    )
    appointment = bookings.appointment_book(
        shop=b.shop, service=b.cut, start=b.at(MONDAY, "11:00"), customer=customer, source="online", now=days_before,
    )  # fmt: skip
    bookings.appointment_cancel(appointment=appointment, by_customer=True, now=days_before)
    analytics.flush()

    [cancelled] = posthog_on.named("booking_cancelled")
    assert cancelled["properties"]["by_customer"] is True
    assert cancelled["properties"]["source"] == "online"
    assert cancelled["properties"]["$groups"] == {"shop": str(b.shop.uuid)}
    assert_no_personal_data(posthog_on)


def test_personal_data_passed_by_mistake_is_dropped_and_logged_once(posthog_on, caplog, monkeypatch):
    monkeypatch.setattr(analytics, "_reported", set())  # "once" is per process: start this test afresh
    owner, shop = make_owner(email="jane.doe@example.com", shop_name="Jane Doe")
    with caplog.at_level(logging.ERROR, logger="sixfb.lib.analytics"):
        for _ in range(2):
            analytics.track(owner, "user_logged_in", shop=shop, email="jane.doe@example.com", content="Jane Doe")
        analytics.track_shop(shop, "booking_submitted", service_id="call 212 555 0199", source="online")
    analytics.flush()

    logins = posthog_on.named("user_logged_in")
    assert len(logins) == 2
    assert "email" not in logins[0]["properties"] and "content" not in logins[0]["properties"]
    [booked] = posthog_on.named("booking_submitted")
    assert booked["properties"]["source"] == "online" and "service_id" not in booked["properties"]
    dropped = [r.getMessage() for r in caplog.records if r.name == "sixfb.lib.analytics"]
    assert len(dropped) == 3  # email, content, the phone-like service: each once
    assert_no_personal_data(posthog_on)


def test_flag_exposure_passes_with_posthogs_own_property_names(posthog_on):
    owner, shop = make_owner()
    exposure = {"$feature_flag": "new_dashboard", "$feature_flag_response": True}
    analytics.track(owner, "$feature_flag_called", shop=shop, **exposure)
    analytics.flush()

    [event] = posthog_on.named("$feature_flag_called")
    assert event["properties"]["$feature_flag"] == "new_dashboard"
    assert event["properties"]["$feature_flag_response"] is True
    assert event["distinct_id"] == str(owner.uuid)


def test_an_id_is_never_taken_for_a_phone_number():
    # Nine digits between a UUID's hyphens look like a phone to the digit count alone.
    assert analytics._looks_personal("12345678-1234-4234-8234-123456789012") is False
    assert analytics._looks_personal("call 212 555 0199") is True
    assert analytics._looks_personal("jane@example.com") is True
