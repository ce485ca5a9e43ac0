"""The whole journey against the fakes, the pages, the commands, and the no-keys default."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from djstripe.models import Price, Product, WebhookEndpoint

from billing.entitlements import shop_entitlements
from billing.models import Plan
from billing.services import shop_plan_set_manually
from sixfb.lib import analytics
from tests.base import make_owner

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


def test_a_live_subscription_wins_over_a_manual_plan(client, signed_in_owner, plans_in_stripe):
    _user, shop = signed_in_owner
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="professional"))
    client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"}))
    [session] = plans_in_stripe.of_type("checkout.session")
    plans_in_stripe.complete_checkout(session["id"])
    client.get(reverse("billing_checkout_success"), {"session_id": session["id"]})
    assert shop_entitlements(shop=shop).plan.slug == "starter"


def test_sync_stripe_plans_twice_changes_nothing_the_second_time(fake_stripe):
    call_command("sync_stripe_plans", stdout=io.StringIO())
    first = {k: dict(v) for k, v in fake_stripe.objects.items()}
    assert {p["lookup_key"] for p in fake_stripe.of_type("price")} == {
        "sixfb_starter_monthly",
        "sixfb_professional_monthly",
    }
    assert set(Price.objects.values_list("lookup_key", flat=True)) == {
        "sixfb_starter_monthly",
        "sixfb_professional_monthly",
    }
    writes = len(fake_stripe.writes())

    out = io.StringIO()
    call_command("sync_stripe_plans", stdout=out)

    assert len(fake_stripe.writes()) == writes
    assert fake_stripe.objects == first
    assert "Nothing to change." in out.getvalue()
    assert Product.objects.count() == 2 and Price.objects.count() == 2


def test_sync_stripe_plans_moves_the_lookup_key_when_a_price_changes(fake_stripe):
    call_command("sync_stripe_plans", stdout=io.StringIO())
    Plan.objects.filter(slug="starter").update(price_cents=4900)
    call_command("sync_stripe_plans", stdout=io.StringIO())
    starter = [p for p in fake_stripe.of_type("price") if p["product"] == "sixfb_starter"]
    assert sorted((p["unit_amount"], p["active"], p["lookup_key"]) for p in starter) == [
        (4500, False, None),
        (4900, True, "sixfb_starter_monthly"),
    ]


def test_register_stripe_webhook_prints_the_path_last_and_calls_no_one(db):
    out = io.StringIO()
    call_command("register_stripe_webhook", secret="whsec_fromthedashboard0123", stdout=out)
    endpoint = WebhookEndpoint.objects.get()
    assert out.getvalue().strip().splitlines()[-1] == f"/stripe/webhook/{endpoint.djstripe_uuid}/"
    call_command("register_stripe_webhook", secret="whsec_fromthedashboard0123", stdout=io.StringIO())
    assert WebhookEndpoint.objects.count() == 1


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


def test_enterprise_contact_form_notifies_the_admins(client, settings, django_capture_on_commit_callbacks, db):
    settings.ADMINS = [("Ops", "ops@example.com")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("billing_enterprise"),
            {"name": "Dana", "email": "dana@chain.example", "locations": 12, "message": "We have 12 shops."},
        )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["ops@example.com"]
    assert "We have 12 shops." in message.body
