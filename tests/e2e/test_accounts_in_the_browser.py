"""The account pages on a phone (390 px): a sign-up with an address that already has an account says so
under the email box (the server runs with DEBUG, where verification is optional and allauth may say it);
the email-addresses and two-factor pages are the product's, styled, and never scroll sideways."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from tests.base import PASSWORD, make_owner
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

PHONE_WIDTH = 390


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def owner_who_can_sign_in(email: str):
    user, shop = make_owner(email=email)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # the server's hasher
    user.save(update_fields=["password"])
    return user, shop


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/dashboard/")


def test_a_registered_address_is_an_error_under_the_email_box(page):
    owner_who_can_sign_in("owner@freshcuts.com")

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/accounts/signup/")
        page.fill("input[name=shop_name]", "Copycat Cuts")
        page.fill("input[name=email]", "owner@freshcuts.com")
        page.fill("input[name=password1]", "a-long-new-passphrase")
        page.get_by_role("button", name="Create account").click()

        email_box = page.locator("input[name=email]")
        error = page.locator("#id_email_error")
        expect(error).to_contain_text("already registered with this email")
        expect(email_box).to_have_attribute("aria-invalid", "true")
        expect(page.locator("input[name=shop_name]")).not_to_have_attribute("aria-invalid", "true")
        # Seen under the email box and above the password's label, not under the shop name.
        email_bottom = email_box.bounding_box()["y"] + email_box.bounding_box()["height"]
        assert email_bottom <= error.bounding_box()["y"] < page.get_by_text("Password", exact=True).bounding_box()["y"]
        expect(error.get_by_role("link", name="Sign in")).to_be_visible()
        expect(error.get_by_role("link", name="reset your password")).to_be_visible()
        assert page_width(page) <= PHONE_WIDTH


def test_the_email_and_two_factor_pages_are_styled_on_a_phone(page):
    user, _shop = owner_who_can_sign_in("owner@freshcuts.com")
    EmailAddress.objects.create(user=user, email="old@freshcuts.com", verified=True, primary=False)

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        sign_in(page, base, "owner@freshcuts.com")

        page.goto(f"{base}/accounts/email/")
        expect(page.get_by_role("heading", name="Email addresses")).to_be_visible()
        primary = page.locator(".email-row", has_text="owner@freshcuts.com")
        other = page.locator(".email-row", has_text="old@freshcuts.com")
        expect(primary.get_by_role("button")).to_have_count(0)  # the primary address cannot be removed
        expect(other.get_by_role("button", name="Remove")).to_be_visible()
        expect(other.get_by_role("button", name="Make primary")).to_be_visible()
        # Buttons of different weights, not three equal library buttons.
        remove_color = other.get_by_role("button", name="Remove").evaluate("b => getComputedStyle(b).color")
        primary_color = other.get_by_role("button", name="Make primary").evaluate("b => getComputedStyle(b).color")
        assert remove_color != primary_color
        assert page_width(page) <= PHONE_WIDTH

        page.get_by_role("link", name="Two-factor").click()
        expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
        set_up = page.get_by_role("link", name="Set up")
        expect(set_up).to_be_visible()
        assert set_up.evaluate("a => getComputedStyle(a).minHeight") == "48px"  # our button, a thumb's size
        expect(page.locator(".account-tabs a[aria-current=page]")).to_have_text("Two-factor")
        assert page_width(page) <= PHONE_WIDTH
