"""A shop's plan through Stripe subscriptions: upgrades, a change in place, a cancel, the older API's periods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from billing.entitlements import shop_entitlements
from sixfb.lib import analytics

pytestmark = pytest.mark.django_db


def test_free_to_starter_to_professional_and_back(
    client, signed_in_owner, plans_in_stripe, post_event, settings, fake_posthog, django_capture_on_commit_callbacks
):
    settings.POSTHOG_API_KEY = "phc_testproject0123456789"
    settings.POSTHOG_HOST = fake_posthog.url
    user, shop = signed_in_owner
    assert shop_entitlements(shop=shop).plan.slug == "free"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"}))
        [session] = plans_in_stripe.of_type("checkout.session")
        events = plans_in_stripe.complete_checkout(session["id"])
        client.get(reverse("billing_checkout_success"), {"session_id": session["id"]})
        for event in events:
            post_event(event)
    assert shop_entitlements(shop=shop).plan.slug == "starter"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("billing_checkout", kwargs={"plan_slug": "professional"}))
    assert response.status_code == 302  # changed in place, no second Checkout
    assert len(plans_in_stripe.of_type("subscription")) == 1
    entitlements = shop_entitlements(shop=shop)
    assert (entitlements.plan.slug, entitlements.max_agents, entitlements.custom_agents) == ("professional", None, True)

    sub_id = entitlements.subscription_id
    with django_capture_on_commit_callbacks(execute=True):
        post_event(plans_in_stripe.cancel(sub_id))
    period_end = shop_entitlements(shop=shop).period_end
    assert shop_entitlements(shop=shop, now=period_end + dt.timedelta(minutes=1)).plan.slug == "free"
    # Canceled (still paid up to the period end): choosing a plan again starts a new Checkout.
    again = client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"}))
    assert again.status_code == 303 and again["Location"].startswith("https://checkout.stripe.com/")

    analytics.flush()
    assert [e["properties"]["plan"] for e in fake_posthog.named("subscription_started")] == ["starter"]
    [changed] = fake_posthog.named("subscription_changed")
    assert (changed["properties"]["from_plan"], changed["properties"]["plan"]) == ("starter", "professional")
    [canceled] = fake_posthog.named("subscription_canceled")
    assert canceled["distinct_id"] == str(user.uuid)
    assert canceled["properties"]["$groups"] == {"shop": str(shop.uuid)}
    analytics.shutdown()


def test_periods_read_from_the_subscription_in_the_older_api_shape(client, signed_in_owner, plans_in_stripe):
    plans_in_stripe.period_shape = "subscription"
    _user, shop = signed_in_owner
    client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"}))
    [session] = plans_in_stripe.of_type("checkout.session")
    plans_in_stripe.complete_checkout(session["id"])
    client.get(reverse("billing_checkout_success"), {"session_id": session["id"]})

    entitlements = shop_entitlements(shop=shop)
    sub = plans_in_stripe.subscription_for(session["customer"])["items"]["data"][0]
    assert entitlements.plan.slug == "starter"
    assert entitlements.period_start == dt.datetime.fromtimestamp(sub["current_period_start"], tz=dt.UTC)
    assert entitlements.period_end == dt.datetime.fromtimestamp(sub["current_period_end"], tz=dt.UTC)
