"""Enqueue the periodic tasks (``settings.PERIODIC_TASKS``) on their cron schedules, until stopped.

Run one or more beside the ``db_worker`` processes: a slot claimed by one is skipped by the others
(``sixfb/lib/scheduler.py``). SIGTERM or SIGINT stops it after any fire in progress; exit status 0.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from sixfb.lib.scheduler import PeriodicScheduler


class Command(BaseCommand):
    help = "Enqueue the periodic tasks of settings.PERIODIC_TASKS on their cron schedules (stop with SIGTERM)."

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = PeriodicScheduler.from_settings()
        stop = threading.Event()
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, lambda _signum, _frame: stop.set())
        scheduler.run(stop)
