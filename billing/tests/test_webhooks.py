"""Webhooks posted as Stripe posts them: real event JSON, signed ``t=...,v1=...``."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.urls import reverse
from djstripe.models import Event, Subscription, WebhookEventTrigger

from agents.models import Agent, ShopAgent
from agents.services import shop_agent_enable
from billing.entitlements import shop_entitlements
from billing.models import ProcessedStripeEvent, ShopBilling

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked_out(client, signed_in_owner, plans_in_stripe):
    """The owner went through Checkout for Starter and paid; Stripe now has events to send."""
    _user, shop = signed_in_owner
    client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"}))
    [session] = plans_in_stripe.of_type("checkout.session")
    events = plans_in_stripe.complete_checkout(session["id"])
    return shop, session, events


def price_id(fake, lookup_key):
    [price] = [p for p in fake.of_type("price") if p["lookup_key"] == lookup_key]
    return price["id"]


def test_webhooks_before_the_success_page(client, checked_out, post_event):
    shop, session, events = checked_out
    for event in events:
        assert post_event(event).status_code == 200
    assert shop_entitlements(shop=shop).plan.slug == "starter"

    response = client.get(reverse("billing_checkout_success"), {"session_id": session["id"]})
    assert response.status_code == 302
    assert shop_entitlements(shop=shop).plan.slug == "starter"
    assert Subscription.objects.count() == 1


def test_webhooks_after_the_success_page(client, checked_out, post_event):
    shop, session, events = checked_out
    client.get(reverse("billing_checkout_success"), {"session_id": session["id"]})
    for event in events:
        assert post_event(event).status_code == 200
    assert shop_entitlements(shop=shop).plan.slug == "starter"
    assert Subscription.objects.count() == 1
    assert ProcessedStripeEvent.objects.count() == 3


def test_the_same_event_twice_is_handled_once(checked_out, post_event, plans_in_stripe):
    shop, _session, events = checked_out
    created = events[0]
    assert post_event(created).status_code == 200
    calls = len(plans_in_stripe.requests)
    assert post_event(created).status_code == 200
    assert ProcessedStripeEvent.objects.filter(event_id=created["id"]).count() == 1
    assert Event.objects.filter(id=created["id"]).count() == 1
    assert len(plans_in_stripe.requests) == calls  # nothing re-read, nothing re-done
    assert shop_entitlements(shop=shop).plan.slug == "starter"


def test_updated_before_created_ends_in_the_latest_state(checked_out, post_event, plans_in_stripe):
    shop, _session, events = checked_out
    created = events[0]
    sub_id = created["data"]["object"]["id"]
    updated = plans_in_stripe.change_price(sub_id, price_id(plans_in_stripe, "sixfb_professional_monthly"))

    assert post_event(updated).status_code == 200
    assert post_event(created).status_code == 200  # late, carrying the older Starter snapshot

    assert shop_entitlements(shop=shop).plan.slug == "professional"


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "missing", "stale", "tampered"],
)
def test_bad_signatures_get_400_and_change_nothing(checked_out, post_event, how):
    shop, _session, events = checked_out
    event = events[0]
    if how == "wrong secret":
        response = post_event(event, secret="whsec_someoneelse0123456789")
    elif how == "missing":
        response = post_event(event, signature="")
    elif how == "stale":
        response = post_event(event, timestamp=int(time.time()) - 3600)
    else:
        response = post_event(event, signature="t=1,v1=" + "0" * 64)
    assert response.status_code == 400
    assert not Event.objects.exists()
    assert not Subscription.objects.exists()
    assert not ProcessedStripeEvent.objects.exists()
    assert shop_entitlements(shop=shop).plan.slug == "free"


def test_an_unknown_event_is_stored_and_answered_200(post_event, fake_stripe):
    event = fake_stripe.event(
        "radar.early_fraud_warning.created", {"id": "issfr_123", "object": "radar.early_fraud_warning"}
    )
    response = post_event(event)
    assert response.status_code == 200
    assert Event.objects.filter(id=event["id"], type="radar.early_fraud_warning.created").exists()
    assert WebhookEventTrigger.objects.get().processed


def test_payment_failed_keeps_the_plan_through_the_grace_period_then_free(
    checked_out, post_event, plans_in_stripe, settings
):
    settings.STRIPE_GRACE_DAYS = 7
    shop, _session, events = checked_out
    for event in events:
        post_event(event)
    sub_id = events[0]["data"]["object"]["id"]

    for event in plans_in_stripe.fail_renewal(sub_id):
        assert post_event(event).status_code == 200

    failed_at = ShopBilling.objects.get(shop=shop).past_due_since
    assert failed_at is not None
    during = shop_entitlements(shop=shop, now=failed_at + dt.timedelta(days=6))
    assert (during.plan.slug, during.status, during.max_agents) == ("starter", "past_due", 5)
    assert during.grace_until == failed_at + dt.timedelta(days=7)
    after = shop_entitlements(shop=shop, now=failed_at + dt.timedelta(days=8))
    assert (after.plan.slug, after.max_agents, after.monthly_chats) == ("free", 1, 100)


def test_invoice_paid_after_past_due_ends_the_grace(checked_out, post_event, plans_in_stripe):
    shop, _session, events = checked_out
    for event in events:
        post_event(event)
    sub_id = events[0]["data"]["object"]["id"]
    for event in plans_in_stripe.fail_renewal(sub_id):
        post_event(event)
    sub = plans_in_stripe.get(sub_id)
    sub["status"] = "active"
    [open_invoice] = [i for i in plans_in_stripe.of_type("invoice") if i["status"] == "open"]
    open_invoice["status"] = "paid"
    post_event(plans_in_stripe.event("invoice.paid", open_invoice))
    assert ShopBilling.objects.get(shop=shop).past_due_since is None
    assert shop_entitlements(shop=shop).status == "active"


def enable_agents(shop, count):
    agents = list(Agent.objects.for_shop(shop)[:count])
    assert len(agents) == count
    for agent in agents:
        shop_agent_enable(shop=shop, agent=agent)


def test_downgrade_disables_extra_agents_without_deleting_them(checked_out, post_event, plans_in_stripe):
    shop, _session, events = checked_out
    for event in events:
        post_event(event)
    sub_id = events[0]["data"]["object"]["id"]
    post_event(plans_in_stripe.change_price(sub_id, price_id(plans_in_stripe, "sixfb_professional_monthly")))
    enable_agents(shop, 6)

    post_event(plans_in_stripe.change_price(sub_id, price_id(plans_in_stripe, "sixfb_starter_monthly")))
    assert ShopAgent.objects.filter(shop=shop).enabled().count() == 5
    assert ShopAgent.objects.filter(shop=shop).count() == 6

    post_event(plans_in_stripe.cancel_at_period_end(sub_id))
    entitlements = shop_entitlements(shop=shop)
    assert entitlements.plan.slug == "starter"  # set to cancel: paid through the end of the period
    assert entitlements.cancel_at == entitlements.period_end
    later = shop_entitlements(shop=shop, now=entitlements.period_end + dt.timedelta(seconds=1))
    assert later.plan.slug == "free"


@pytest.mark.parametrize("period_shape", ["items", "subscription"])
def test_a_subscription_canceled_at_once_ends_the_plan_at_once(checked_out, post_event, plans_in_stripe, period_shape):
    plans_in_stripe.period_shape = period_shape
    shop, _session, events = checked_out
    for event in events:
        post_event(event)
    enable_agents(shop, 5)
    sub_id = events[0]["data"]["object"]["id"]

    deleted = plans_in_stripe.cancel(sub_id)  # "cancel immediately" in the portal
    sub = deleted["data"]["object"]
    period_end = (sub["items"]["data"][0] if period_shape == "items" else sub)["current_period_end"]
    assert sub["status"] == "canceled" and sub["ended_at"] <= time.time() < period_end
    assert post_event(deleted).status_code == 200

    entitlements = shop_entitlements(shop=shop)
    assert (entitlements.plan.slug, entitlements.source, entitlements.max_agents) == ("free", "free", 1)
    assert ShopAgent.objects.filter(shop=shop).enabled().count() == 1
    assert ShopAgent.objects.filter(shop=shop).count() == 5  # disabled, not deleted


def run_the_command():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("enforce_billing_limits", stdout=out)
    assert out.getvalue().strip() == "Checked 1 shop."


def run_the_periodic_task():
    from billing.tasks import enforce_billing_limits

    result = enforce_billing_limits.enqueue()  # as the scheduler enqueues it (the suite runs tasks at once)
    assert (result.status, result.return_value) == ("SUCCESSFUL", 1)


@pytest.mark.parametrize("enforce", [run_the_command, run_the_periodic_task], ids=["command", "periodic task"])
def test_enforce_billing_limits_disables_agents_once_the_grace_period_is_over(
    checked_out, post_event, plans_in_stripe, enforce
):
    from django.utils import timezone

    shop, _session, events = checked_out
    for event in events:
        post_event(event)
    enable_agents(shop, 5)
    for event in plans_in_stripe.fail_renewal(events[0]["data"]["object"]["id"]):
        post_event(event)
    assert ShopAgent.objects.filter(shop=shop).enabled().count() == 5  # still in grace

    ShopBilling.objects.filter(shop=shop).update(past_due_since=timezone.now() - dt.timedelta(days=8))
    enforce()

    assert ShopAgent.objects.filter(shop=shop).enabled().count() == 1
    assert ShopAgent.objects.filter(shop=shop).count() == 5


def test_an_event_about_a_subscription_stripe_no_longer_has_is_answered_200(post_event, fake_stripe):
    from tests.fakes.stripe_server import template

    customer = fake_stripe.dispatch("POST", "/v1/customers", {"email": "old@example.com"})
    gone = template("subscription")
    gone.update(id="sub_deletedlongago", customer=customer["id"])
    event = fake_stripe.event("customer.subscription.updated", gone)
    assert post_event(event).status_code == 200
    assert ProcessedStripeEvent.objects.filter(event_id=event["id"]).exists()
    assert not Subscription.objects.exists()


# --- what reaches dj-stripe's endpoint ----------------------------------------------------------


@pytest.fixture
def all_log_lines(caplog):
    """Every record at WARNING and above, Django's own loggers too (they do not propagate to root)."""
    import logging

    django_logger = logging.getLogger("django")
    django_logger.addHandler(caplog.handler)
    caplog.set_level(logging.WARNING)
    yield lambda: [r for r in caplog.records if r.levelno >= logging.WARNING]
    django_logger.removeHandler(caplog.handler)


def test_an_oversized_body_is_refused_with_413_and_nothing_is_stored(post_event, fake_stripe):
    event = fake_stripe.event("customer.updated", {"id": "cus_big", "object": "customer", "metadata": {}})
    event["data"]["object"]["padding"] = "x" * (600 * 1024)  # Stripe's own events stay under 256 KB

    response = post_event(event)

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert not WebhookEventTrigger.objects.exists()
    assert not Event.objects.exists()


def test_a_bad_signature_is_one_log_line_without_traceback_and_nothing_is_stored(
    client, webhook_path, fake_stripe, all_log_lines
):
    import json

    from tests.fakes.stripe_server import sign

    payload = json.dumps(fake_stripe.event("customer.updated", {"id": "cus_1", "object": "customer"}))
    response = client.post(
        webhook_path,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, "whsec_someoneelse0123456789"),
        HTTP_COOKIE="sessionid=stolen",
        HTTP_AUTHORIZATION="Bearer sk_live_secret",
    )

    assert response.status_code == 400
    [line] = all_log_lines()
    assert line.exc_info is None and "signature" in line.getMessage().lower()
    assert not WebhookEventTrigger.objects.exists()


def test_a_good_event_is_stored_without_the_callers_credentials(client, webhook_path, fake_stripe, all_log_lines):
    import json

    from billing.tests.conftest import WEBHOOK_SECRET
    from tests.fakes.stripe_server import sign

    event = fake_stripe.event("radar.early_fraud_warning.created", {"id": "issfr_9", "object": "radar"})
    payload = json.dumps(event)
    response = client.post(
        webhook_path,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, WEBHOOK_SECRET),
        HTTP_USER_AGENT="Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        HTTP_COOKIE="sessionid=abc; csrftoken=def",
        HTTP_AUTHORIZATION="Bearer sk_live_secret",
        HTTP_PROXY_AUTHORIZATION="Basic c2VjcmV0",
        HTTP_X_DJSTRIPE_WEBHOOK_SECRET="whsec_fromaheader0123456789",
        HTTP_X_API_KEY="key-123",
    )

    assert response.status_code == 200
    trigger = WebhookEventTrigger.objects.get()
    assert trigger.valid and trigger.processed
    headers = {name.lower(): value for name, value in trigger.headers.items()}
    assert headers["stripe-signature"].startswith("t=")
    assert headers["user-agent"].startswith("Stripe/")
    for name in ("cookie", "authorization", "proxy-authorization", "x-djstripe-webhook-secret", "x-api-key"):
        assert name not in headers
    assert "sk_live_secret" not in json.dumps(trigger.headers)
    assert all_log_lines() == []
