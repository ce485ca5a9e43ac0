"""Chat's background tasks, run by ``manage.py db_worker`` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from chat import services


@task()
def sweep_stale_answers() -> int:
    """Mark answers whose process died (their lease ran out) as errored; returns how many.

    Enqueued every minute by the scheduler (``settings.PERIODIC_TASKS``). Admission still sweeps a
    shop's own answers when a slot looks taken, so a person never waits for this to send again.
    """
    return services.messages_fail_stale()
