"""System checks of our own, run by `manage.py check --deploy`.

Debug with Stripe keys is not a check: settings.py refuses it at start-up, for every entry point.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import connection


@register(Tags.security, deploy=True)
def production_services(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A deployment needs the shared production stack, not the single-process embedded defaults."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append(Error("The database is SQLite.", hint="Set DATABASE_URL to a PostgreSQL URL.", id="sixfb.E002"))
    if not settings.REDIS_URL:
        problems.append(
            Error(
                "The cache and channel layer are in-process.",
                hint="Set REDIS_URL so rate limits, live updates and websockets work across processes.",
                id="sixfb.E003",
            )
        )
    return problems


@register("periodic_tasks")
def periodic_tasks(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every entry of ``PERIODIC_TASKS`` imports as a task and has a crontab the scheduler accepts."""
    from sixfb.lib.scheduler import load_jobs

    try:
        load_jobs(settings.PERIODIC_TASKS)
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="See PERIODIC_TASKS in sixfb/settings.py.", id="sixfb.E004")]
    return []
