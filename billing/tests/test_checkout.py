"""Checkout: the owner is sent to Stripe, and the success page syncs the subscription at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from djstripe.models import Customer, Subscription

from billing.entitlements import shop_entitlements
from sixfb.models import Membership
from tests.base import add_member

pytestmark = pytest.mark.django_db


def checkout(client, plan="starter"):
    return client.post(reverse("billing_checkout", kwargs={"plan_slug": plan}))


def test_checkout_redirects_to_stripe_with_the_shop_in_the_metadata(client, signed_in_owner, plans_in_stripe):
    _user, shop = signed_in_owner
    response = checkout(client)

    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.com/")
    [session] = plans_in_stripe.of_type("checkout.session")
    assert session["metadata"]["shop_uuid"] == str(shop.uuid)
    assert session["success_url"].endswith(f"/billing/success/?session_id={session['id']}")
    customer = Customer.objects.get()
    assert customer.subscriber == shop
    assert session["customer"] == customer.id
    price = plans_in_stripe.get(session["_price"])
    assert price["lookup_key"] == "sixfb_starter_monthly"


def test_success_page_syncs_the_subscription_without_waiting_for_the_webhook(client, signed_in_owner, plans_in_stripe):
    _user, shop = signed_in_owner
    checkout(client)
    [session] = plans_in_stripe.of_type("checkout.session")
    plans_in_stripe.complete_checkout(session["id"])

    response = client.get(reverse("billing_checkout_success"), {"session_id": session["id"]})

    assert response.status_code == 302
    entitlements = shop_entitlements(shop=shop)
    assert entitlements.plan.slug == "starter"
    assert entitlements.max_agents == 5
    item = plans_in_stripe.subscription_for(session["customer"])["items"]["data"][0]
    assert entitlements.period_start == dt.datetime.fromtimestamp(item["current_period_start"], tz=dt.UTC)
    assert entitlements.period_end == dt.datetime.fromtimestamp(item["current_period_end"], tz=dt.UTC)
    assert Subscription.objects.count() == 1
    page = client.get(reverse("billing")).content.decode()
    assert "Starter plan" in page
    assert "Renews on" in page


def test_a_barber_cannot_open_checkout_or_the_portal(client, owner, plans_in_stripe):
    _user, shop = owner
    client.force_login(add_member(shop=shop, role=Membership.Role.BARBER))
    assert checkout(client).status_code == 403
    assert client.post(reverse("billing_portal")).status_code == 403
    assert not [path for _method, path, _params in plans_in_stripe.writes() if "sessions" in path]


@pytest.mark.parametrize("slug", ["platinum", "free", "enterprise"])
def test_an_unknown_plan_is_a_404(client, signed_in_owner, plans_in_stripe, slug):
    assert checkout(client, slug).status_code == 404


def test_portal_sends_the_owner_to_stripe(client, signed_in_owner, plans_in_stripe):
    checkout(client)
    response = client.post(reverse("billing_portal"))
    assert response.status_code == 303
    assert response["Location"].startswith("https://billing.stripe.com/")
