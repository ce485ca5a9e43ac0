"""Actions' background tasks, run by ``manage.py db_worker`` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from actions import services


@task()
def expire_proposals() -> int:
    """Mark pending proposals past their time expired; returns how many. Enqueued every five minutes
    by the scheduler (``settings.PERIODIC_TASKS``); a decision checks the time itself, so a card
    approved in between is refused as expired all the same."""
    return services.proposals_expire()
