"""The Stripe setup commands: `sync_stripe_plans` converges on the plans, `register_stripe_webhook` calls no one."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from djstripe.models import Price, Product, WebhookEndpoint

from billing.models import Plan

pytestmark = pytest.mark.django_db


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
