"""The notification pages on a phone (390 px): a staff member's preferences with the keyboard open on
quiet hours, a customer's preferences from a signed link (and a tampered one), and one-click
unsubscribe. Each saves what was chosen, and none scrolls sideways."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Customer
from notifications import links, selectors
from notifications.models import Preference
from sixfb.models import Membership
from tests.base import PASSWORD, add_member, make_owner
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

PHONE_WIDTH = 390
KEYBOARD_OPEN_HEIGHT = 500  # what is left of an 844 px screen above a phone's keyboard


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/")


def customer_of(shop) -> Customer:
    now = timezone.now()
    return Customer.objects.create(
        shop=shop,
        name="Dee Jones",
        email="dee@example.com",
        phone="+12125550123",
        sms_consent_at=now,
        email_consent_at=now,
    )


def test_a_staff_member_sets_channels_and_quiet_hours_with_the_keyboard_open(page):
    _owner, shop = make_owner(email="owner@freshcuts.com")
    manager = add_member(shop=shop, role=Membership.Role.MANAGER, email="manager@freshcuts.com")
    manager.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # the server's hasher
    manager.save(update_fields=["password"])

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        sign_in(page, base, "manager@freshcuts.com")
        page.goto(f"{base}/notifications/preferences/")
        expect(page.get_by_role("heading", name="Notification preferences")).to_be_visible()
        assert page_width(page) <= PHONE_WIDTH

        # One switch per group: email off where it was on, on where it was off (agents).
        for group in ("bookings", "billing", "agents", "marketing", "summaries"):
            page.click(f"input[name={group}__email]")
        page.click("input[name=marketing__in_app]")  # and marketing in-app off too
        page.check("input[name=quiet_enabled]")

        page.set_viewport_size({"width": PHONE_WIDTH, "height": KEYBOARD_OPEN_HEIGHT})
        page.focus("input[name=quiet_start]")
        page.fill("input[name=quiet_start]", "22:30")
        page.focus("input[name=quiet_end]")
        page.fill("input[name=quiet_end]", "07:00")
        expect(page.locator("input[name=quiet_end]")).to_be_focused()
        assert page_width(page) <= PHONE_WIDTH

        save = page.get_by_role("button", name="Save preferences")
        save.scroll_into_view_if_needed()
        expect(save).to_be_in_viewport()
        save.click()

        page.wait_for_url(f"{base}/notifications/preferences/")
        expect(page.get_by_text("Notification preferences saved.")).to_be_visible()
        assert page_width(page) <= PHONE_WIDTH
        expect(page.locator("input[name=quiet_start]")).to_have_value("22:30")

    assert selectors.staff_preferences(shop=shop, user=manager) == {
        "channels": {
            "bookings": {"in_app": True, "email": False, "sms": False},
            "billing": {"in_app": True, "email": False, "sms": False},
            "agents": {"in_app": True, "email": True, "sms": False},
            "marketing": {"in_app": False, "email": False, "sms": False},
            "summaries": {"in_app": True, "email": False, "sms": False},
        },
        "quiet_hours": {"start": "22:30", "end": "07:00"},
    }


def test_a_customer_turns_texts_off_from_their_link(page):
    _owner, shop = make_owner(email="owner@freshcuts.com")
    customer = customer_of(shop)
    token = links.token_for(recipient_key=f"customer:{customer.pk}", shop_id=shop.pk)

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/notifications/p/{token}/")
        expect(page.get_by_role("heading", name="Messages from Fresh Cuts")).to_be_visible()
        for name in ("bookings.email", "bookings.sms", "marketing.email", "marketing.sms"):
            expect(page.locator(f"input[name='{name}']")).to_be_checked()
        assert page_width(page) <= PHONE_WIDTH

        page.uncheck("input[name='bookings.sms']")
        page.uncheck("input[name='marketing.sms']")
        page.get_by_role("button", name="Save").click()

        expect(page.get_by_role("status")).to_have_text("Saved.")
        expect(page.locator("input[name='bookings.sms']")).not_to_be_checked()
        expect(page.locator("input[name='bookings.email']")).to_be_checked()
        assert page_width(page) <= PHONE_WIDTH

    saved = Preference.objects.get(customer=customer)
    assert saved.channels == {
        "bookings": {"email": True, "sms": False},
        "marketing": {"email": True, "sms": False},
    }


@pytest.mark.parametrize("path", ["p", "unsubscribe"])
def test_a_tampered_link_shows_a_clear_error_page(page, path):
    _owner, shop = make_owner(email="owner@freshcuts.com")
    customer = customer_of(shop)
    token = links.token_for(recipient_key=f"customer:{customer.pk}", shop_id=shop.pk, group="marketing")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        for bad in (tampered, "not-a-link-we-made"):
            response = page.goto(f"{base}/notifications/{path}/{bad}/")
            assert response is not None and response.status == 404
            expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
            expect(page.get_by_role("alert")).to_have_text("We could not read this link, so nothing was changed.")
            assert page_width(page) <= PHONE_WIDTH

    assert not Preference.objects.filter(customer=customer).exists()


def test_unsubscribe_says_what_goes_and_switches_that_group_off(page):
    _owner, shop = make_owner(email="owner@freshcuts.com")
    customer = customer_of(shop)
    token = links.token_for(recipient_key=f"customer:{customer.pk}", shop_id=shop.pk, group="bookings")

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/notifications/unsubscribe/{token}/")
        expect(page.get_by_role("heading")).to_have_text("Unsubscribe from booking emails from Fresh Cuts?")
        expect(page.get_by_text("Other messages are not affected.")).to_be_visible()
        assert page_width(page) <= PHONE_WIDTH

        page.get_by_role("button", name="Unsubscribe").click()

        expect(page.get_by_role("status")).to_have_text("Done: no more booking emails from Fresh Cuts.")
        assert page_width(page) <= PHONE_WIDTH
        page.get_by_role("link", name="Choose exactly which messages you get").click()
        expect(page.locator("input[name='bookings.email']")).not_to_be_checked()
        expect(page.locator("input[name='bookings.sms']")).to_be_checked()

    assert Preference.objects.get(customer=customer).channels == {"bookings": {"email": False}}
    customer.refresh_from_db()
    assert customer.email_consent_at is not None  # marketing consent is not what was given up
