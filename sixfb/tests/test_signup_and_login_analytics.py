"""Sign-up and login reach PostHog (a loopback fake, through the real SDK) by UUID, never by email."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from sixfb.lib import analytics
from sixfb.models import Shop, User
from tests.base import PASSWORD, make_owner

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def posthog_on(fake_posthog):
    with override_settings(POSTHOG_API_KEY="phc_testproject0123456789", POSTHOG_HOST=fake_posthog.url):
        yield fake_posthog
        analytics.shutdown()


def test_signup_and_login_are_captured_with_the_shop_as_group(client, posthog_on):
    client.post(
        reverse("account_signup"),
        {"email": "owner@freshcuts.com", "password1": PASSWORD, "shop_name": "Fresh Cuts"},
    )
    analytics.flush()

    user = User.objects.get()
    shop = Shop.objects.get()
    [signed_up] = posthog_on.named("user_signed_up")
    assert signed_up["distinct_id"] == str(user.uuid)
    assert signed_up["properties"]["$groups"] == {"shop": str(shop.uuid)}
    [group] = posthog_on.named("$groupidentify")
    assert group["properties"]["$group_key"] == str(shop.uuid)
    assert "owner@freshcuts.com" not in json.dumps(posthog_on.events)


def test_login_is_captured(client, posthog_on):
    user, _shop = make_owner(email="barber@example.com")
    client.post(reverse("account_login"), {"login": "barber@example.com", "password": PASSWORD})
    analytics.flush()
    [event] = posthog_on.named("user_logged_in")
    assert event["distinct_id"] == str(user.uuid)


def test_nothing_is_sent_without_a_key(client, fake_posthog):
    with override_settings(POSTHOG_API_KEY="", POSTHOG_HOST=fake_posthog.url):
        _user, _shop = make_owner(email="barber@example.com")
        client.post(reverse("account_login"), {"login": "barber@example.com", "password": PASSWORD})
        analytics.flush()
    assert fake_posthog.events == []
