"""The analytics consent banner in a phone-sized Chromium: posthog-js starts only after Accept,
never after Decline or under Do Not Track, and the banner covers neither the composer nor the tab bar."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.contrib.auth.hashers import make_password

from chat.services import conversation_start
from tests.base import PASSWORD, make_owner
from tests.fakes.posthog import FakePostHog
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

BANNER = "#consent-banner"
POSTHOG_SCRIPT = "script[src*='vendor/posthog']"


@contextlib.contextmanager
def site_with_posthog() -> Iterator[tuple[str, FakePostHog]]:
    fake = FakePostHog()
    fake.start()
    env = {"POSTHOG_API_KEY": "phc_e2etestproject0123", "POSTHOG_HOST": fake.url}
    try:
        with running_servers(1, env=env) as (port,):
            yield f"http://127.0.0.1:{port}", fake
    finally:
        fake.stop()


def posthog_loaded(page) -> bool:
    return bool(page.evaluate("Boolean(window.posthog && window.posthog.__loaded)"))


def wait_for_requests(page, fake: FakePostHog) -> None:
    for _ in range(100):  # up to 10 s: posthog-js sends its first batch on its own schedule
        if fake.requests:
            return
        page.wait_for_timeout(100)
    raise AssertionError("posthog-js sent nothing to the PostHog host")


def test_decline_keeps_posthog_off_and_is_remembered(page):
    from playwright.sync_api import expect

    with site_with_posthog() as (base, fake):
        page.goto(f"{base}/")
        expect(page.locator(BANNER)).to_be_visible()
        expect(page.locator(POSTHOG_SCRIPT)).to_have_count(0)

        page.get_by_role("button", name="Decline").click()
        expect(page.locator(BANNER)).to_be_hidden()
        assert posthog_loaded(page) is False

        page.goto(f"{base}/pricing/")
        expect(page.locator(BANNER)).to_be_hidden()
        expect(page.locator(POSTHOG_SCRIPT)).to_have_count(0)
        assert posthog_loaded(page) is False
        assert {c["name"]: c["value"] for c in page.context.cookies()}["analytics_consent"] == "denied"
    assert fake.requests == 0


def test_accept_starts_posthog_now_and_on_the_next_page(page):
    from playwright.sync_api import expect

    with site_with_posthog() as (base, fake):
        page.goto(f"{base}/")
        page.get_by_role("button", name="Accept").click()
        expect(page.locator(BANNER)).to_be_hidden()
        expect(page.locator("html")).to_have_attribute("data-analytics", "on")
        assert posthog_loaded(page) is True
        wait_for_requests(page, fake)

        page.goto(f"{base}/pricing/")
        expect(page.locator(BANNER)).to_be_hidden()
        expect(page.locator(POSTHOG_SCRIPT)).to_have_count(1)  # rendered by the server from the cookie
        expect(page.locator("html")).to_have_attribute("data-analytics", "on")

        # The footer lets the visitor change their mind.
        page.get_by_role("button", name="Analytics choices").click()
        expect(page.locator(BANNER)).to_be_visible()
        page.get_by_role("button", name="Decline").click()
        assert page.evaluate("window.posthog.has_opted_out_capturing()") is True
        page.goto(f"{base}/")
        expect(page.locator(POSTHOG_SCRIPT)).to_have_count(0)


def test_do_not_track_means_no_banner_and_no_posthog(chromium):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 390, "height": 844})
    # The browser setting as pages see it (no DNT header: the page's own check is what is tested).
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})")
    page = context.new_page()
    try:
        with site_with_posthog() as (base, fake):
            page.goto(f"{base}/")
            expect(page.locator("[data-consent-open]")).to_be_hidden()
            expect(page.locator(BANNER)).to_be_hidden()
            assert posthog_loaded(page) is False
        assert fake.requests == 0
    finally:
        context.close()


def test_banner_leaves_the_composer_and_tab_bar_uncovered_on_a_phone(page):
    from playwright.sync_api import expect

    owner, shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    conversation = conversation_start(user=owner, shop=shop, agent_slug="business_coach")

    with site_with_posthog() as (base, _fake):
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "owner@freshcuts.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")
        page.goto(f"{base}/chat/{conversation.uuid}/")
        expect(page.locator(BANNER)).to_be_visible()

        def assert_uncovered(selector: str) -> None:
            banner, other = page.locator(BANNER).bounding_box(), page.locator(selector).bounding_box()
            overlaps = banner["y"] < other["y"] + other["height"] and other["y"] < banner["y"] + banner["height"]
            assert not overlaps, f"the banner covers {selector}"
            assert banner["width"] <= 390

        # The conversation screen hides the tab bar (the composer takes the bottom); other pages keep it.
        assert_uncovered("#chat-composer")
        page.goto(f"{base}/dashboard/")
        expect(page.locator(BANNER)).to_be_visible()
        assert_uncovered("nav.tabbar")
        page.goto(f"{base}/chat/{conversation.uuid}/")
        page.locator("#chat-input").fill("typing works with the banner up")
        page.get_by_role("button", name="Accept").click()
        expect(page.locator(BANNER)).to_be_hidden()


def test_page_views_carry_the_path_but_never_the_query(page):
    """A search for a customer (``?q=``) or a question handed to the chat (``?prompt=``) is what the
    person typed: posthog-js, as started on the page, sends only the path and captures no clicks."""
    from playwright.sync_api import expect

    with site_with_posthog() as (base, _fake):
        page.goto(f"{base}/")
        page.get_by_role("button", name="Accept").click()
        page.goto(f"{base}/pricing/?q=Jane+Doe+%2B12125550123&prompt=secret-question#frag")
        expect(page.locator("html")).to_have_attribute("data-analytics", "on")
        config = page.evaluate(
            """() => {
                const c = window.posthog.config;
                const event = {event: "$pageview", properties: {
                    $current_url: location.href, $referrer: location.href + "&more=1",
                    $set: {$current_url: location.href}, $set_once: {$initial_current_url: location.href}}};
                return {autocapture: c.autocapture, sent: c.before_send(event)};
            }"""
        )
    assert config["autocapture"] is False
    sent = config["sent"]["properties"]
    assert sent["$current_url"] == f"{base}/pricing/"
    assert sent["$referrer"] == f"{base}/pricing/"
    assert sent["$set"]["$current_url"] == f"{base}/pricing/"
    assert sent["$set_once"]["$initial_current_url"] == f"{base}/pricing/"
