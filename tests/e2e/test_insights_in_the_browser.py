"""The owner's numbers on a phone (390 x 844): from the new dashboard to /insights/, a change of
period without any script, charts with titles, nothing wider than the screen, a table fallback."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from playwright.sync_api import expect

from bookings import services
from bookings.models import Appointment, Customer, Payment
from sixfb.flags import NEW_DASHBOARD
from sixfb.models import Flag
from tests.base import PASSWORD, make_owner
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def shop_with_a_busy_week():
    owner, shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    Flag.objects.get_or_create(name=NEW_DASHBOARD)[0].shops.add(shop)  # earlier browser tests flush the seeded row
    ana = services.barber_create(shop=shop, name="Ana")
    cut = services.service_create(shop=shop, name="Haircut", duration_minutes=30, price="35.00")
    today = timezone.now().astimezone(shop.tzinfo).date()
    for n in range(6):
        start = dt.datetime.combine(today - dt.timedelta(days=n), dt.time(10 + n), tzinfo=shop.tzinfo)
        end = start + dt.timedelta(minutes=30)
        appointment = Appointment.objects.create(
            shop=shop,
            customer=Customer.objects.create(shop=shop, name=f"Customer {n}"),
            barber=ana,
            service=cut,
            service_name=cut.name,
            price=cut.price,
            duration_minutes=30,
            start=start,
            end=end,
            blocked_until=end,
            status=Appointment.Status.COMPLETED,
        )
        Payment.objects.create(shop=shop, appointment=appointment, amount=Decimal("35.00"), paid_at=end)
    return shop


def test_an_owner_reads_the_numbers_on_a_phone(page):
    shop_with_a_busy_week()
    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "owner@freshcuts.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")
        expect(page.locator("[data-dashboard=new] [data-metric=bookings]").first).to_be_visible()

        page.click("text=All your numbers")
        page.wait_for_url(f"{base}/insights/")
        expect(page.locator("[data-period]")).to_contain_text("(30 days)")

        page.click(".period-chips >> text=7 days")
        page.wait_for_url(re.compile(r"/insights/\?days=7$"))
        expect(page.locator("[data-period]")).to_contain_text("(7 days)")
        expect(page.locator("[data-metric=bookings] [data-value]")).to_have_text("6")
        expect(page.locator(".period-chips a[aria-current=page]")).to_have_text("7 days")

        for key, title in [("bookings", "Bookings by day"), ("hours", "Busiest hours"), ("barbers", "Utilisation")]:
            chart = page.locator(f"svg[role=img][data-chart={key}]")
            expect(chart).to_be_visible()
            expect(chart.locator("title").first).to_contain_text(title)
        assert page.evaluate(NO_SIDEWAYS_SCROLL)

        hours = page.locator("details[data-table=hours]")
        expect(hours.locator("table")).to_be_hidden()
        hours.locator("summary").click()
        expect(hours.locator("table")).to_be_visible()
        expect(hours.locator("tbody tr")).to_have_count(7)
        assert page.evaluate(NO_SIDEWAYS_SCROLL)  # the wide table scrolls inside its own box

        today = page.locator("#period-to").input_value()
        first = (dt.date.fromisoformat(today) - dt.timedelta(days=1)).isoformat()
        page.fill("#period-from", first)
        page.click("text=Show these days")
        page.wait_for_url(re.compile(rf"/insights/\?from={first}&to={today}$"))
        expect(page.locator("[data-period]")).to_contain_text("(2 days)")
        expect(page.locator("[data-metric=bookings] [data-value]")).to_have_text("2")
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
