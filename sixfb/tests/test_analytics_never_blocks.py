"""A PostHog that hangs or refuses costs a request nothing, and the end of a management command
waits for it only so long (POSTHOG_FLUSH_SECONDS)."""

from __future__ import annotations

import logging
import threading

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from sixfb.lib import analytics
from sixfb.models import User
from tests.base import PASSWORD, make_owner
from tests.fakes.posthog import FakePostHog
from tests.fixtures import seed_catalog

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KEY = "phc_testproject0123456789"


@pytest.fixture(autouse=True)
def _catalog():
    seed_catalog()  # the plans and agents, whatever an earlier transactional test flushed


@pytest.fixture
def hanging_posthog():
    fake = FakePostHog(mode="hang")
    fake.start()
    yield fake
    fake.stop()  # releases whatever it still holds
    analytics.shutdown()


def sign_up(client, email: str):
    return client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "shop_name": "Fresh Cuts"})


def test_sign_up_completes_while_posthog_holds_the_sdks_request(client, hanging_posthog):
    # The SDK would wait 60 s for an answer: it is still inside the fake when the sign-up is made.
    with override_settings(POSTHOG_API_KEY=KEY, POSTHOG_HOST=hanging_posthog.url, POSTHOG_TIMEOUT_SECONDS=60):
        owner, shop = make_owner()
        analytics.track(owner, "user_logged_in", shop=shop)
        threading.Thread(target=analytics.flush, daemon=True).start()  # send the batch now
        assert hanging_posthog.arrived.wait(timeout=30), "the SDK never reached the fake"

        response = sign_up(client, "new@freshcuts.com")

        assert response.status_code == 302
        assert User.objects.filter(email="new@freshcuts.com").exists()
        assert hanging_posthog.answered == 0  # the request finished while PostHog still had not answered
        hanging_posthog.release()
        analytics.flush()
        assert len(hanging_posthog.named("user_signed_up")) == 1  # queued, not lost


def test_sign_up_completes_when_posthog_refuses_connections(client):
    refusing = FakePostHog(mode="refuse")
    with override_settings(POSTHOG_API_KEY=KEY, POSTHOG_HOST=refusing.url):
        response = sign_up(client, "new@freshcuts.com")
        assert response.status_code == 302
        assert User.objects.filter(email="new@freshcuts.com").exists()
        analytics.shutdown()  # the events are given up on, not retried forever


def test_a_management_command_ends_though_posthog_never_answers(hanging_posthog, caplog):
    settings = {"POSTHOG_TIMEOUT_SECONDS": 600, "POSTHOG_FLUSH_SECONDS": 1}
    with override_settings(POSTHOG_API_KEY=KEY, POSTHOG_HOST=hanging_posthog.url, **settings):
        owner, shop = make_owner()
        analytics.track(owner, "user_logged_in", shop=shop)
        with caplog.at_level(logging.WARNING, logger="sixfb.lib.analytics"):
            call_command("enforce_billing_limits")  # ends with analytics.shutdown()
        assert hanging_posthog.arrived.wait(timeout=30) and hanging_posthog.answered == 0
    assert any("queued events dropped" in record.getMessage() for record in caplog.records)
