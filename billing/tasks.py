"""Billing's background tasks, run by ``manage.py db_worker`` (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from billing import services


@task()
def enforce_billing_limits() -> int:
    """Re-apply plan limits where a grace period or paid period ended with no event from Stripe.

    Enqueued hourly by the scheduler (``settings.PERIODIC_TASKS``); ``manage.py enforce_billing_limits``
    does the same by hand. Returns how many shops were checked.
    """
    return services.billing_limits_enforce()
