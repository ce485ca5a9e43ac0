from __future__ import annotations

import pytest

from tests.base import make_owner
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.posthog import FakePostHog


@pytest.fixture
def owner_and_shop(db):
    return make_owner()


@pytest.fixture
def fake():
    """The OpenAI-compatible fake on loopback, for tests that point real server processes at it."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


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


SEED_MIGRATIONS = (
    "billing.migrations.0002_seed_plans",
    "agents.migrations.0002_seed_roster",
    "actions.migrations.0002_catalog",
)


def seed_catalog() -> None:
    """Run the idempotent data migrations that seed the plans and the agent catalog."""
    import importlib

    from django.apps import apps

    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)


def _real_database_name() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])


# Read before pytest-django points the connection at a test database.
_REAL_DATABASE_NAME = _real_database_name()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Rows seeded by data migrations (plans, the agent catalog) are wiped by every transactional
    test's flush; pytest-django runs those last, so a database kept with --reuse-db starts the
    next session without them. Seed again (the seeds are idempotent).

    Only into a test database: when no collected test uses the database (``tests/test_app_dependencies.py``
    alone), pytest-django sets none up and the connection still names the real one."""
    from django.db import connection

    if connection.settings_dict["NAME"] == _REAL_DATABASE_NAME:
        return
    with django_db_blocker.unblock():
        seed_catalog()


@pytest.fixture(scope="session", autouse=True)
def _close_database_pool_before_teardown(django_db_setup, django_db_blocker):
    """Async tests check connections out of psycopg's pool from worker threads; the test client
    never returns them (it disconnects close_old_connections). Close the pool before the test
    database is dropped, or PostgreSQL refuses to drop a database that still has sessions."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            close_pool = getattr(connection, "close_pool", None)
            if close_pool is not None:
                close_pool()
