"""Notification work for ``manage.py db_worker`` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from notifications.services import deliveries


@task()
def deliver(delivery_id: str) -> str:
    """Send one delivery (claimed first, so a duplicate task does nothing)."""
    return deliveries.delivery_attempt(delivery_id=delivery_id)


@task()
def sweep_deliveries() -> dict[str, int]:
    """Every minute: take back what a dead worker held, enqueue what is overdue."""
    return deliveries.deliveries_sweep()


@task()
def send_weekly_summaries() -> int:
    """Every hour: last week's summary to the owners of shops where it is Monday 08:xx."""
    from notifications.triggers.summaries import weekly_summaries_send

    return weekly_summaries_send()


@task()
def notify_agent_status(agent_slug: str, status: str, at: str) -> int:
    """An agent's status, to the staff of every shop that uses it: on the worker, as it may be many."""
    from notifications.triggers.staff import on_agent_status

    return on_agent_status(agent_slug=agent_slug, status=status, at=at)
