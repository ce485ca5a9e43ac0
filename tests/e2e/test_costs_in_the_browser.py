"""The cost page on a phone (390 px): nothing wider than the screen, budgets drawn, reached from the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from insights.costs.services import costs_rollup
from insights.tests.costs_data import week
from insights.tests.test_costs_figures import NOW
from tests.base import PASSWORD, make_user
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def test_the_cost_page_fits_a_phone_and_is_linked_from_the_admin(phone):
    page = phone
    staff = make_user(email="ops@6fb.local", is_staff=True, is_superuser=True)
    staff.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # the server's hasher
    staff.save(update_fields=["password"])
    week()
    costs_rollup(now=NOW)

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "ops@6fb.local")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

        page.goto(f"{base}/admin/")
        page.click("#operators-costs a")
        page.wait_for_url(f"{base}/staff/costs/")
        expect(page.locator("[data-meter]")).to_have_count(7)

        page.goto(f"{base}/staff/costs/?from=2026-11-02&to=2026-11-08")
        expect(page.locator("[data-table=margins] tbody tr").first).to_contain_text("Bleeding Cuts")
        expect(page.locator("[data-mrr]")).to_have_text("$64.83")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # wide tables scroll inside

        page.fill("input[name=from]", "2026-11-02")
        page.fill("input[name=to]", "2026-11-08")
        page.click(".period-form button")
        expect(page.locator("[data-ttft-p95]")).to_have_text("≤ 3,000 ms")
