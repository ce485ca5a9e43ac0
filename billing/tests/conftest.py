"""Billing tests talk to a Stripe-compatible fake on loopback through the real SDK and dj-stripe,
and post webhooks as Stripe does: real event JSON, signed ``t=...,v1=...``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.base import make_owner
from tests.fakes.stripe_server import FakeStripe, sign

SECRET_KEY = "sk_test_51FakeKey0123456789abcdefABCDEF"
WEBHOOK_SECRET = "whsec_testsigningsecret0123456789"


@pytest.fixture
def fake_stripe(settings):
    server = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


@pytest.fixture
def plans_in_stripe(fake_stripe, db):
    call_command("sync_stripe_plans", stdout=io.StringIO())
    return fake_stripe


@pytest.fixture
def webhook_path(db):
    out = io.StringIO()
    call_command("register_stripe_webhook", secret=WEBHOOK_SECRET, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def post_event(client, webhook_path):
    """POST one event to the webhook endpoint, signed as Stripe signs it."""

    def post(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, signature: str | None = None):
        payload = json.dumps(event)
        headers = {}
        if signature != "":
            headers["HTTP_STRIPE_SIGNATURE"] = signature or sign(payload, secret, timestamp)
        return client.post(webhook_path, data=payload, content_type="application/json", **headers)

    return post


@pytest.fixture
def owner(db):
    user, shop = make_owner(email="owner@freshcuts.com")
    return user, shop


@pytest.fixture
def signed_in_owner(client, owner):
    user, shop = owner
    client.force_login(user)
    return user, shop
