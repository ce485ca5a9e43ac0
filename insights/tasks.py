"""Insights' background tasks, run by ``manage.py db_worker`` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from insights.costs.services import costs_rollup


@task()
def rollup_costs() -> list[str]:
    """Roll up today, yesterday and any missing day of the backfill window, then alert on budgets.

    Enqueued hourly by the scheduler (``settings.PERIODIC_TASKS``); the days rolled up, ISO.
    """
    return [day.isoformat() for day in costs_rollup()]
