"""The pricing and billing pages: the current plan and invoices shown, and both working without Stripe keys."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.entitlements import shop_entitlements
from billing.models import Plan
from billing.services import shop_plan_set_manually
from tests.base import make_owner

pytestmark = pytest.mark.django_db


def test_pricing_marks_the_current_plan_and_billing_shows_invoices(
    client, signed_in_owner, plans_in_stripe, post_event
):
    _user, _shop = signed_in_owner
    client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"}))
    [session] = plans_in_stripe.of_type("checkout.session")
    for event in plans_in_stripe.complete_checkout(session["id"]):
        post_event(event)
    [invoice] = plans_in_stripe.of_type("invoice")

    pricing = client.get(reverse("pricing")).content.decode()
    assert "style=" not in pricing and "<script>" not in pricing
    starter_card = pricing.split('data-plan="starter"')[1].split("</article>")[0]
    assert "Your plan" in starter_card
    assert "Switch to Professional" in pricing

    page = client.get(reverse("billing")).content.decode()
    assert "<meter" in page and 'max="5"' in page
    assert invoice["hosted_invoice_url"] in page
    assert invoice["invoice_pdf"] in page
    assert "$45.00" in page
    assert "style=" not in page and "<script>" not in page


def test_without_stripe_keys_pages_work_and_checkout_says_not_configured(client, db):
    user, shop = make_owner()
    client.force_login(user)
    assert client.get(reverse("pricing")).status_code == 200
    assert client.get(reverse("billing")).status_code == 200
    response = client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"}))
    assert response.status_code == 200
    assert "Billing is not configured" in response.content.decode()
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="enterprise"), max_agents=40, monthly_chats=50000)
    entitlements = shop_entitlements(shop=shop)
    assert (entitlements.plan.slug, entitlements.max_agents, entitlements.monthly_chats) == ("enterprise", 40, 50000)
    assert "Enterprise plan" in client.get(reverse("billing")).content.decode()
