"""The bell follows notifications live, across processes, and the notification center zeroes it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from tests.base import PASSWORD, make_owner
from tests.servers import ROOT, requires_shared_stack, running_servers, server_environment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

BELL = "#notification-bell"


def notify_from_another_process(user_id: int, key: str) -> None:
    """A weekly summary for the user, made by a separate Django process (as a worker would): its
    frame reaches the browser's server only through Redis."""
    code = (
        "from notifications.kinds import KINDS; from notifications.services.notify import notify; "
        f"from sixfb.models import User; u = User.objects.get(pk={user_id:d}); "
        f"notify(shop=u.memberships.first().shop, kind='weekly_summary', user=u, dedupe_key={key!r}, "
        "payload=dict(KINDS['weekly_summary'].example))"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=server_environment(),
        check=True,
        timeout=60,
        capture_output=True,
    )


def wait_for_label(page, label: str, timeout: float = 8) -> None:
    """Poll the bell's label (wait_for_function needs eval, which our CSP forbids)."""
    expect(page.locator(BELL)).to_have_attribute("aria-label", label, timeout=timeout * 1000)


def bell_label(page) -> str:
    return page.locator(BELL).get_attribute("aria-label")


def test_the_bell_updates_live_and_the_center_zeroes_it(page):
    owner, _shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")  # the server's hasher
    owner.save(update_fields=["password"])
    owner.notifications.all().delete()  # the welcome sent when the shop was made: start from none

    with running_servers(1) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "owner@freshcuts.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")
        assert bell_label(page) == "Notifications"
        page.evaluate("window.__notReloaded = true")
        page.wait_for_timeout(500)  # let the live socket open

        notify_from_another_process(owner.pk, "week-48")

        wait_for_label(page, "Notifications, 1 unseen", timeout=8)
        assert page.locator(f"{BELL} [data-bell-count]").inner_text() == "1"
        assert page.locator(".toast").inner_text().startswith("Your week at Fresh Cuts")
        assert page.evaluate("window.__notReloaded") is True

        page.click(BELL)
        page.wait_for_url(f"{base}/notifications/")
        assert page.locator(".notif").count() == 1
        assert bell_label(page) == "Notifications"  # opening the center: seen
        page.wait_for_timeout(500)

        notify_from_another_process(owner.pk, "week-49")
        wait_for_label(page, "Notifications, 1 unseen", timeout=8)
        page.reload()
        assert page.locator(".notif.unread").count() == 2

        page.click("[data-read-all]")
        wait_for_label(page, "Notifications", timeout=5)
        expect(page.locator(".notif.unread")).to_have_count(0, timeout=5000)
        assert page.locator(f"{BELL} [data-bell-count]").is_hidden()
    assert not owner.notifications.filter(read_at__isnull=True).exists()
