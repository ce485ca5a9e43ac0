"""/billing/ on a server without Stripe keys: it says what the plan includes and how to reach the
team; staff (only staff) also read how to configure payments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billing.models import Plan
from billing.services import shop_plan_set_manually
from tests.base import make_owner, make_user

pytestmark = pytest.mark.django_db

SETUP_WORDS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "sync_stripe_plans")


@pytest.fixture(autouse=True)
def no_stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""


def includes(html: str) -> list[str]:
    block = html.split("data-plan-includes>")[1].split("</ul>")[0]
    return [item.split("</li>")[0] for item in block.split("<li>")[1:]]


def test_an_owner_reads_what_the_free_plan_includes_and_can_reach_the_team(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    html = client.get(reverse("billing")).content.decode()
    assert includes(html) == ["1 agent", "100 chats a month", "Community support"]
    assert f'href="{reverse("billing_enterprise")}" data-contact' in html
    assert "data-not-configured" in html
    assert "an admin can change your plan" not in html
    assert not any(word in html for word in SETUP_WORDS)  # owners never see server settings
    assert 'href="/pricing/">Compare plans' in html
    assert "style=" not in html


def test_per_shop_enterprise_limits_are_what_the_page_says(client):
    owner, shop = make_owner()
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="enterprise"), max_agents=40, monthly_chats=50000)
    client.force_login(owner)
    html = client.get(reverse("billing")).content.decode()
    assert includes(html) == [
        "Up to 40 agents",
        "50,000 chats a month",
        "Custom agents of your own",
        "SLA and a dedicated contact",
    ]
    assert 'max="50000"' in html and 'low="40000"' in html and 'high="50000"' in html


def test_staff_read_how_to_configure_payments(client):
    staff, _shop = make_owner()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    html = client.get(reverse("billing")).content.decode()
    setup = html.split("data-payment-setup")[1]
    assert all(word in setup for word in SETUP_WORDS)
    assert reverse("admin:billing_shopbilling_changelist") in setup


def test_staff_with_no_shop_still_get_the_setup_steps(client):
    client.force_login(make_user(is_staff=True))
    html = client.get(reverse("billing")).content.decode()
    assert "You are not part of a shop yet." in html and "data-payment-setup" in html


def test_with_keys_set_staff_see_no_setup_steps(client, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_51FakeKey0123456789abcdefABCDEF"
    staff, _shop = make_owner()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    html = client.get(reverse("billing")).content.decode()
    assert "data-payment-setup" not in html and "data-not-configured" not in html


def test_checkout_without_keys_points_to_the_team_not_to_a_dead_end(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    html = client.post(reverse("billing_checkout", kwargs={"plan_slug": "starter"})).content.decode()
    assert "Billing is not configured" in html
    assert f'href="{reverse("billing_enterprise")}" data-contact' in html
