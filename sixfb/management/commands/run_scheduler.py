"""Enqueue the periodic tasks (``settings.PERIODIC_TASKS``) on their cron schedules, until stopped.

Run one or more beside the ``db_worker`` processes: a slot claimed by one is skipped by the others
(``sixfb/lib/scheduler.py``). SIGTERM or SIGINT stops it after any fire in progress; exit status 0.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand

from sixfb.lib.scheduler import PeriodicScheduler


class SignalStop:
    """A stop request a signal handler may make: a plain attribute, no lock. ``threading.Event.set``
    takes the event's lock, which the main thread may hold when the handler runs (inside
    ``Event.wait``, or inside ``set`` for an earlier signal): ``make run``'s Ctrl-C sends SIGINT to
    the group and its script SIGTERM a moment later, and that pair deadlocked the scheduler."""

    def __init__(self) -> None:
        self.requested = False

    def set(self) -> None:
        self.requested = True

    def wait(self, timeout: float | None = None) -> bool:
        """True once requested; polls (20 times a second) until then, at most ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.requested and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.05)
        return self.requested


class Command(BaseCommand):
    help = "Enqueue the periodic tasks of settings.PERIODIC_TASKS on their cron schedules (stop with SIGTERM)."

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = PeriodicScheduler.from_settings()
        stop = SignalStop()
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, lambda _signum, _frame: stop.set())
        scheduler.run(stop)
