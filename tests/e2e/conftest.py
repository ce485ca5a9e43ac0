"""Browser tests: Debian's Chromium driven by Playwright, against a real ASGI server process.

Run apart from the rest (`pytest -m e2e`): sync Playwright and pytest-asyncio break each other in
one process. They skip when Chromium or Playwright is missing, or without PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.fixtures import seed_catalog

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Sync Playwright keeps an event loop running in this thread, which makes Django refuse ORM
    # calls from the test body; they are safe here (nothing else runs on that loop).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def seeded_data(request):
    """The plans and the agent roster, as their data migrations create them.

    Browser tests are transactional (a server process must see their rows), so each ends with a
    flush. Django's serialized rollback cannot bring the seeded rows back here: Playwright runs
    an event loop in this thread, and Django's per-context connection then lacks the snapshot.
    """
    if "django_db" not in request.keywords:
        return
    request.getfixturevalue("transactional_db")
    seed_catalog()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    yield page
    context.close()
