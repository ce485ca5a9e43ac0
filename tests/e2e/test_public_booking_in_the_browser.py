"""A stranger books on a phone-sized Chromium, sees the confirmation, and cancels by the signed link."""

from __future__ import annotations

import os

import pytest

from bookings.models import Appointment
from bookings.tests.public_support import at, open_day, open_shop
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

FITS_THE_PHONE = "document.documentElement.scrollWidth <= window.innerWidth"


def snap(page, name: str) -> None:
    folder = os.environ.get("E2E_SCREENSHOTS")  # set it to look at the pages
    if folder:
        page.screenshot(path=os.path.join(folder, f"book-{name}.png"), full_page=True)


def test_book_on_a_phone_see_the_confirmation_and_cancel_by_the_link(page):
    opened = open_shop()
    day = open_day(opened.shop)
    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/book/{opened.shop.slug}/")
        snap(page, "1-services")
        assert page.evaluate(FITS_THE_PHONE)
        page.click("a.option:has-text('Skin fade')")
        page.click("a.option:has-text('Anyone available')")
        page.click(f"a.day[href*='day={day.isoformat()}']")
        snap(page, "2-times")
        assert page.evaluate(FITS_THE_PHONE)
        page.click("a.time:has-text('10:00 AM')")

        page.fill("input[name=name]", "Ana Díaz")
        page.fill("input[name=phone]", "(212) 555-0123")
        page.check("input[name=sms_consent]")
        snap(page, "3-details")
        page.click("button.primary")
        page.wait_for_selector("text=You're booked")
        snap(page, "4-confirmation")
        assert page.evaluate(FITS_THE_PHONE)
        assert "/a/" in page.url
        assert "Skin fade" in page.inner_text("main") and "10:00 AM" in page.inner_text("main")

        # Later, from the link alone (a fresh browser has no session or cookie of the booking).
        link = page.url.split("?")[0]
        fresh = page.context.browser.new_context(viewport={"width": 390, "height": 844})
        later = fresh.new_page()
        later.goto(link)
        later.click("text=Cancel appointment")
        later.click("text=Yes, cancel it")
        later.wait_for_selector("text=Your appointment is cancelled.")
        snap(later, "5-cancelled")
        fresh.close()

    appointment = Appointment.objects.get()
    assert appointment.start == at(opened.shop, day, 10)
    assert appointment.status == Appointment.Status.CANCELLED and appointment.source == Appointment.Source.ONLINE
    assert appointment.customer.sms_consent_at is not None and appointment.customer.email_consent_at is None
