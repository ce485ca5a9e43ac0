"""The staff calendar on a phone: book an appointment, see it in the day view, and a second
signed-in page shows it too, live, without a reload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bookings import services
from bookings.models import Appointment
from sixfb.models import WEEKDAYS
from tests.base import PASSWORD, make_owner
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll ``expression`` (wait_for_function needs eval, which our CSP forbids)."""
    for _ in range(int(timeout * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "owner@freshcuts.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/")


def test_book_from_a_phone_and_watch_a_second_page_update_live(page, chromium):
    owner, shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    shop.business_hours = {day: {"closed": False, "open": "09:00", "close": "18:00"} for day in WEEKDAYS}
    shop.save(update_fields=["business_hours"])
    services.barber_create(shop=shop, name="Ana")
    services.service_create(shop=shop, name="Haircut", duration_minutes=30, price="35.00")
    tomorrow = (timezone.now().astimezone(shop.tzinfo) + dt.timedelta(days=1)).date().isoformat()

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        watcher_context = chromium.new_context(viewport={"width": 390, "height": 844})
        watcher = watcher_context.new_page()
        try:
            sign_in(watcher, base)
            watcher.goto(f"{base}/bookings/?date={tomorrow}")
            watcher.evaluate("window.__notReloaded = true")
            watcher.wait_for_timeout(500)  # let the live socket open

            sign_in(page, base)
            page.click("nav.tabbar >> text=Bookings")
            page.wait_for_url(f"{base}/bookings/")
            page.goto(f"{base}/bookings/?date={tomorrow}")
            page.click("text=+ New")
            page.wait_for_selector("#appointment-form")
            page.wait_for_selector(".slot")  # the day was given: its free times are listed
            page.click(".slot >> text=11:00")
            page.fill("#id_name", "Dana New")
            page.fill("#id_phone", "2125550199")
            page.click("#appointment-form button[type=submit]:has-text('Book')")
            page.wait_for_url(f"{base}/bookings/?date={tomorrow}")
            assert page.locator(".appt >> text=Dana New").count() == 1
            assert "11:00" in page.locator(".appt").first.inner_text()

            wait_until(watcher, "document.querySelectorAll('.appt').length === 1")
            assert "Dana New" in watcher.locator(".appt").first.inner_text()
            assert watcher.evaluate("window.__notReloaded") is True
        finally:
            watcher_context.close()
    assert Appointment.objects.get(customer__name="Dana New").barber.name == "Ana"
