"""Writes of the cost dashboard: the rollup run (with its budget alerts)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from insights.costs.budgets import budget_alerts_send
from insights.costs.rollup import day_rollup, days_to_roll_up


def costs_rollup(*, now: dt.datetime | None = None) -> list[dt.date]:
    """Roll up the days due (``rollup.days_to_roll_up``), then send the budget alerts; the days done."""
    now = now or timezone.now()
    today = now.astimezone(dt.UTC).date()
    days = days_to_roll_up(today=today)
    for day in days:
        day_rollup(day=day, now=now)
    budget_alerts_send(today=today)
    return days
