"""A shop owner's agents page follows status changes live, without a reload."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from rest_framework.authtoken.models import Token

from agents.models import Agent
from tests.base import PASSWORD, make_owner, make_user
from tests.servers import api_set_status, requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]


def test_agent_status_badge_updates_live_without_reload(page):
    owner, _shop = make_owner(email="owner@freshcuts.com")
    # The server process hashes with the production hashers, not the suite's fast one.
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    token = Token.objects.create(user=make_user(is_staff=True)).key

    with running_servers(2) as (browser_port, admin_port):
        base = f"http://127.0.0.1:{browser_port}"
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "owner@freshcuts.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")

        page.goto(f"{base}/agents/")
        badge = page.locator('[data-agent-status="financial_advisor"]')
        assert badge.is_hidden()  # plain "active" shows no badge
        page.evaluate("window.__notReloaded = true")
        page.wait_for_function("document.querySelector('[data-agent-status]') !== null")
        page.wait_for_timeout(500)  # let the live socket open

        # Changed through the other server process: crosses Redis to reach this browser.
        api_set_status(admin_port, token, "financial_advisor", "maintenance")

        page.wait_for_function(
            "document.querySelector('[data-agent-status=\"financial_advisor\"]').textContent === 'Maintenance'",
            timeout=5000,
        )
        assert "status-maintenance" in badge.get_attribute("class")
        assert badge.is_visible()
        assert page.evaluate("window.__notReloaded") is True
    assert Agent.objects.get(slug="financial_advisor").status == "maintenance"


def test_a_new_owner_signs_up_and_enables_an_agent(page):
    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/accounts/signup/")
        page.fill("input[name=shop_name]", "Sharp Lines")
        page.fill("input[name=email]", "new@sharplines.com")
        page.fill("input[name=password1]", "clipper-fade-2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")
        assert "Sharp Lines" in page.content()

        page.click("nav.tabbar >> text=Agents")
        page.wait_for_url(f"{base}/agents/")
        # A new shop starts with the business coach, its Free plan's one agent.
        assert page.locator("form[action='/agents/business_coach/disable/']").count() == 1
        # The plan is full: the other agents offer an upgrade, not an Enable that would be refused.
        assert page.locator("form[action='/agents/content_generator/enable/']").count() == 0
        assert page.locator('[data-upgrade="content_generator"]').inner_text() == "Upgrade"
        page.click("form[action='/agents/business_coach/disable/'] button")
        page.wait_for_url(f"{base}/agents/")
        page.click("form[action='/agents/booking_manager/enable/'] button")
        page.wait_for_url(f"{base}/agents/")
        assert "is now on your team" in page.content()
