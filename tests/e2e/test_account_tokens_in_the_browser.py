"""API tokens on a phone (390 x 844): create one on the account page, copy the key shown once,
use it, revoke it after the confirm step; nothing wider than the screen."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from playwright.sync_api import expect

from sixfb.models import ApiToken
from tests.base import PASSWORD, make_owner
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_create_copy_and_revoke_a_token_on_a_phone(page):
    owner, _shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "owner@freshcuts.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")

        page.goto(f"{base}/account/")
        tokens = page.locator("#api-tokens")
        expect(tokens).to_contain_text("No tokens yet.")
        tokens.get_by_label("Token name").fill("Booking sync")
        tokens.get_by_role("button", name="Create token").click()
        # Making a key asks for the password again; the kept request then makes it.
        page.wait_for_url("**/accounts/reauthenticate/**")
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="Confirm").click()

        key_field = page.locator("[data-token-key]")
        expect(key_field).to_be_visible()
        key = key_field.input_value()
        assert key.startswith("6fb_")
        copy = page.locator("button[data-copy]")
        copy.click()
        expect(copy).to_have_text("Copied")
        assert page.evaluate("() => navigator.clipboard.readText()") == key
        assert page.evaluate(NO_SIDEWAYS_SCROLL)

        token = ApiToken.objects.get()
        row = page.locator(f'[data-token="{token.prefix}"]')
        expect(row).to_contain_text("Booking sync")
        expect(row).to_contain_text("never used")
        assert Client(headers={"Authorization": f"Token {key}"}).get("/api/v1/me/").status_code == 200

        row.get_by_text("Revoke", exact=True).click()
        expect(row).to_contain_text("Anything using it stops working")
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        row.get_by_role("button", name="Yes, revoke").click()
        page.wait_for_url(f"{base}/account/#api-tokens")
        expect(page.locator(".message")).to_contain_text("revoked")
        expect(page.locator(f'[data-token="{token.prefix}"]')).to_have_count(0)
        expect(page.locator("[data-token-key]")).to_have_count(0)  # the key is never shown again
        assert Client(headers={"Authorization": f"Token {key}"}).get("/api/v1/me/").status_code == 401


def test_billing_without_stripe_keys_on_a_phone(page):
    """No dead end: what the plan includes and a way to the team, the plan's buttons in one row."""
    owner, _shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    with running_servers(1, env={"STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": ""}) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/accounts/login/?next=/billing/")
        page.fill("input[name=login]", "owner@freshcuts.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/billing/")
        expect(page.locator("[data-plan-includes]")).to_contain_text("100 chats a month")
        compare = page.get_by_role("link", name="Compare plans")
        contact = page.get_by_role("link", name="Talk to our team")
        heading = page.locator("#plan-heading")
        first, second, title = compare.bounding_box(), contact.bounding_box(), heading.bounding_box()
        assert first and second and title
        # From the card's edge like the text above; on a phone they do not fit one row, so they
        # stack, each the card's full width and the same height.
        assert first["x"] == second["x"] == title["x"]
        assert (first["width"], first["height"]) == (second["width"], second["height"])
        assert second["y"] > first["y"]
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        contact.click()
        page.wait_for_url(f"{base}/billing/enterprise/")
