"""Periodic tasks: enqueue django-tasks on a cron schedule. The only module that imports APScheduler.

django-tasks has no periodic jobs, so ``manage.py run_scheduler`` runs this beside the
``db_worker`` processes. ``settings.PERIODIC_TASKS`` maps a task's dotted path to a crontab
expression (UTC); the scheduler never runs a task itself, it enqueues it for a worker.

APScheduler's cron triggers say when a slot is due; the database says who takes it. At each fire
every scheduler process inserts a ``ScheduledSlot(job, slot)`` row, and only the one whose insert
succeeds enqueues the task (``sixfb.services.scheduled_slot_claim``), in the same transaction. So
any number of schedulers may run, on SQLite or PostgreSQL, and a slot is enqueued once.

- Missed slots: at start-up each job's latest slot is fired if it came due within
  ``SCHEDULER_MISFIRE_GRACE_SECONDS`` (a slot missed while no scheduler ran); if it was claimed
  before, the row says so and nothing happens. Older slots, and several missed in a row, are not
  made up (coalesced into that one). A fire that comes late in a running process gets the same grace.
- Pruning: each process deletes claims older than ``SLOT_RETENTION``, at start-up and hourly.
- Faults: a database error during a fire is logged once, until a fire succeeds again; that slot
  is missed and the next fire tries again. Only SIGTERM or SIGINT end ``run_scheduler``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import Error as DatabaseError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from sixfb.services import scheduled_slot_claim, scheduled_slots_prune

logger = logging.getLogger(__name__)

SLOT_RETENTION = dt.timedelta(days=7)
PRUNE_CRON = "41 * * * *"  # hourly, off the hour
# Windows searched, smallest first, for a schedule's latest slot (each capped at the grace).
_LOOKBACKS = (dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1))


def cron_trigger(expression: str) -> CronTrigger:
    """A trigger for a standard five-field crontab expression, in the project's time zone.

    Numeric days of the week are refused: APScheduler 3 counts them from Monday (0), crontab
    from Sunday, so the same expression would mean another day. Use names (``mon-fri``).
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{expression!r} is not a crontab expression (minute hour day month weekday)")
    if re.search(r"\d", fields[4]):
        raise ValueError(f"{expression!r}: write the day of the week as a name (mon-fri), not a number")
    return CronTrigger.from_crontab(expression, timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))


class Stop(Protocol):
    """What ``PeriodicScheduler.run`` waits on: a ``threading.Event``, or the command's signal-safe flag."""

    def wait(self, timeout: float | None = None) -> bool: ...


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # the task's dotted path: the job's identity in ScheduledSlot
    cron: str
    task: Task[Any, Any]
    trigger: CronTrigger

    def last_slot(self, now: dt.datetime, *, within: dt.timedelta) -> dt.datetime | None:
        """The latest time at or before ``now`` this job was due, if no older than ``within``."""
        for window in sorted({min(lookback, within) for lookback in _LOOKBACKS} | {within}):
            slot = self.trigger.get_next_fire_time(None, now - window)
            if slot is None or slot > now:
                continue
            while (later := self.trigger.get_next_fire_time(slot, slot)) is not None and later <= now:
                slot = later
            return slot
        return None


def load_jobs(schedule: Mapping[str, str]) -> list[PeriodicJob]:
    """``settings.PERIODIC_TASKS`` as jobs; ImproperlyConfigured names a bad entry."""
    jobs = []
    for path, expression in schedule.items():
        try:
            task = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"PERIODIC_TASKS: cannot import {path!r}: {exc}") from None
        if not isinstance(task, Task):
            raise ImproperlyConfigured(f"PERIODIC_TASKS: {path!r} is not a django-tasks task (@task)")
        try:
            trigger = cron_trigger(expression)
        except ValueError as exc:
            raise ImproperlyConfigured(f"PERIODIC_TASKS[{path!r}]: {exc}") from None
        jobs.append(PeriodicJob(name=path, cron=expression, task=task, trigger=trigger))
    return jobs


class PeriodicScheduler:
    """Fires ``jobs`` on their schedules: ``run`` calls ``fire_scheduled`` for each job's slots and
    ``prune`` hourly; ``fire`` is one slot's claim and enqueue."""

    def __init__(self, jobs: Sequence[PeriodicJob], *, grace: dt.timedelta) -> None:
        self.jobs = list(jobs)
        self.grace = grace
        self._database_down = False

    @classmethod
    def from_settings(cls) -> PeriodicScheduler:
        return cls(
            load_jobs(settings.PERIODIC_TASKS), grace=dt.timedelta(seconds=settings.SCHEDULER_MISFIRE_GRACE_SECONDS)
        )

    def fire(self, job: PeriodicJob, *, now: dt.datetime | None = None) -> bool | None:
        """Enqueue ``job``'s task for its latest slot (within the grace), unless another scheduler did.

        True: this process claimed the slot and enqueued the task. False: the slot was taken (or
        none is due within the grace). None: a database error, logged once until a fire succeeds.
        """
        now = now or timezone.now()
        slot = job.last_slot(now, within=self.grace)
        if slot is None:
            return False
        try:
            claimed = scheduled_slot_claim(job=job.name, slot=slot, enqueue=job.task.enqueue)
        except DatabaseError as exc:
            self._database_failed(f"{job.name} for {slot.isoformat()} was not enqueued", exc)
            return None
        self._database_ok()
        if claimed:
            logger.info("scheduler: enqueued %s for %s", job.name, slot.isoformat())
        else:
            logger.debug("scheduler: %s for %s was already claimed", job.name, slot.isoformat())
        return claimed

    def fire_scheduled(self, job: PeriodicJob, *, now: dt.datetime | None = None) -> bool | None:
        """``fire`` as ``run`` calls it: the thread's connection is replaced before and after when it
        failed or aged out, as Django does around a request, so a database restart costs one fire."""
        with _fresh_connection():
            return self.fire(job, now=now)

    def prune(self, *, now: dt.datetime | None = None) -> int | None:
        """Delete claims older than ``SLOT_RETENTION``; None on a database error (logged once)."""
        try:
            deleted = scheduled_slots_prune(before=(now or timezone.now()) - SLOT_RETENTION)
        except DatabaseError as exc:
            self._database_failed("old slots were not pruned", exc)
            return None
        self._database_ok()
        return deleted

    def run(self, stop: Stop) -> None:
        """Fire the jobs on their schedules until ``stop`` is set; then wait for a fire in progress."""
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        scheduler = BackgroundScheduler(
            timezone=tz,
            # One thread: fires are an insert or two each, and one connection is plenty.
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(1, int(self.grace.total_seconds())),
            },
        )
        for job in self.jobs:
            scheduler.add_job(self.fire_scheduled, job.trigger, args=[job], id=job.name, name=job.name)
        start = dt.datetime.now(tz)
        # At start-up, in the same thread as the fires: each job's latest slot, then the pruning.
        scheduler.add_job(self._catch_up, id="scheduler.catch_up", next_run_time=start)
        scheduler.add_job(self._prune, cron_trigger(PRUNE_CRON), id="scheduler.prune", next_run_time=start)
        for job in self.jobs:
            logger.info("scheduler: %s on %r (%s)", job.name, job.cron, settings.TIME_ZONE)
        scheduler.start()
        logger.info("scheduler: started, %d periodic tasks", len(self.jobs))
        # A signal may be delivered to any thread, and Python runs its handler only when the main
        # thread next runs Python code: an untimed wait could miss SIGTERM for good.
        while not stop.wait(timeout=1):
            pass
        scheduler.shutdown(wait=True)
        logger.info("scheduler: stopped")

    def _catch_up(self) -> None:
        for job in self.jobs:
            self.fire_scheduled(job)

    def _prune(self) -> None:
        with _fresh_connection():
            self.prune()

    def _database_failed(self, what: str, exc: Exception) -> None:
        if self._database_down:
            logger.debug("scheduler: database still failing, %s: %s", what, exc)
            return
        self._database_down = True
        logger.error("scheduler: database error, %s; trying again at the next fire: %s", what, exc)

    def _database_ok(self) -> None:
        if self._database_down:
            self._database_down = False
            logger.warning("scheduler: database reachable again")


@contextlib.contextmanager
def _fresh_connection() -> Iterator[None]:
    with contextlib.suppress(DatabaseError):
        close_old_connections()
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError):
            close_old_connections()
