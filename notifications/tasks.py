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
