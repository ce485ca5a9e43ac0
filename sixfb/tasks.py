"""Housekeeping tasks of the project's own, run by ``manage.py db_worker`` (django-tasks)."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task


@task()
def prune_task_results() -> None:
    """Delete finished task results older than two weeks (django-tasks-db's default age), from every
    queue: the every-minute sweep alone adds 1,440 a day. Enqueued daily by the scheduler."""
    call_command("prune_db_task_results", "--queue-name", "*", verbosity=0)
