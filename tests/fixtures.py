from __future__ import annotations

import pytest

from tests.base import make_owner
from tests.fakes.posthog import FakePostHog


@pytest.fixture
def owner_and_shop(db):
    return make_owner()


@pytest.fixture
def fake_posthog():
    server = FakePostHog()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached flags live in the cache: start every test from an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
