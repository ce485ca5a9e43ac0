"""Plans set by hand: the admin puts a shop on one, and a live subscription wins over it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.entitlements import shop_entitlements
from billing.models import Plan
from billing.services import shop_plan_set_manually
from tests.base import make_owner

pytestmark = pytest.mark.django_db


def test_a_live_subscription_wins_over_a_manual_plan(client, signed_in_owner, plans_in_stripe):
    _user, shop = signed_in_owner
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="professional"))
    client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"}))
    [session] = plans_in_stripe.of_type("checkout.session")
    plans_in_stripe.complete_checkout(session["id"])
    client.get(reverse("billing_checkout_success"), {"session_id": session["id"]})
    assert shop_entitlements(shop=shop).plan.slug == "starter"


def test_admin_can_put_a_shop_on_a_plan_by_hand(client, db):
    from sixfb.models import User

    admin = User.objects.create_superuser(email="admin@example.com", password="x-very-long-password")
    _owner, shop = make_owner()
    client.force_login(admin)
    response = client.post(
        reverse("admin:billing_shopbilling_add"),
        {"shop": shop.pk, "manual_plan": Plan.objects.get(slug="starter").pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert shop_entitlements(shop=shop).plan.slug == "starter"
