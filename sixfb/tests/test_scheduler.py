"""The periodic-task scheduler (``sixfb/lib/scheduler.py``): each slot enqueued once, however many
schedulers fire it; a slot missed while down enqueued once at start-up within the grace; database
errors logged once and survived. Fires are driven with explicit times: no clocks are waited on.

The suite's task backend runs a task as it is enqueued; enqueues are counted by django-tasks'
``task_enqueued`` signal.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from chat.tasks import sweep_stale_answers
from sixfb.lib.scheduler import SLOT_RETENTION, PeriodicScheduler, load_jobs
from sixfb.models import ScheduledSlot
from sixfb.tasks import prune_task_results

SWEEP = "chat.tasks.sweep_stale_answers"
BILLING = "billing.tasks.enforce_billing_limits"
PRUNE = "sixfb.tasks.prune_task_results"
HOUR = dt.timedelta(hours=1)


def at(hour: int, minute: int, second: int = 0, *, day: int = 2) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=dt.UTC)


def scheduler(schedule: dict[str, str] | None = None, *, grace: dt.timedelta = HOUR) -> PeriodicScheduler:
    return PeriodicScheduler(load_jobs(schedule or {SWEEP: "* * * * *"}), grace=grace)


@pytest.fixture
def enqueued():
    """The dotted paths of the tasks enqueued during the test, in order (from any thread)."""
    paths: list[str] = []

    def record(sender, task_result, **kwargs):
        paths.append(task_result.task.module_path)

    task_enqueued.connect(record, weak=False, dispatch_uid="test_scheduler")
    yield paths
    task_enqueued.disconnect(dispatch_uid="test_scheduler")


def scheduler_errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "sixfb.lib.scheduler" and r.levelno >= logging.ERROR]


# --- one slot, one enqueue ---------------------------------------------------------------------


@pytest.mark.django_db
def test_two_schedulers_firing_the_same_slot_enqueue_the_task_once(enqueued):
    first, second = scheduler(), scheduler()
    [job_a], [job_b] = first.jobs, second.jobs

    assert first.fire(job_a, now=at(10, 0, 0)) is True
    assert second.fire(job_b, now=at(10, 0, 1)) is False  # the same slot, a second later elsewhere

    assert enqueued == [SWEEP]
    assert list(ScheduledSlot.objects.values_list("job", "slot")) == [(SWEEP, at(10, 0))]

    assert second.fire(job_b, now=at(10, 1, 0)) is True  # the next slot is new to both
    assert first.fire(job_a, now=at(10, 1, 2)) is False
    assert enqueued == [SWEEP, SWEEP]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the suite's SQLite database is in memory with a shared cache, whose table locks fail at once "
    "instead of waiting (a SQLite file, as make run uses, serialises the writers: WAL and a busy timeout)",
)
def test_schedulers_racing_for_a_slot_in_parallel_enqueue_it_once(enqueued):
    """Each thread has its own database connection, like two scheduler processes."""
    schedulers = [scheduler() for _ in range(4)]
    ready = threading.Barrier(len(schedulers))
    results: list[bool | None] = []

    def fire(each: PeriodicScheduler) -> None:
        try:
            ready.wait(timeout=30)
            results.append(each.fire(each.jobs[0], now=at(10, 0, 0)))
        finally:
            connection.close()

    threads = [threading.Thread(target=fire, args=[each]) for each in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == [False, False, False, True]
    assert enqueued == [SWEEP]
    assert ScheduledSlot.objects.filter(job=SWEEP, slot=at(10, 0)).count() == 1


@pytest.mark.django_db
def test_jobs_claim_their_own_slots(enqueued):
    both = scheduler({SWEEP: "* * * * *", BILLING: "7 * * * *"})
    sweep, billing = both.jobs
    assert both.fire(sweep, now=at(10, 7, 0)) is True
    assert both.fire(billing, now=at(10, 7, 0)) is True  # due at the same minute: another job, another row
    assert sorted(enqueued) == [BILLING, SWEEP]


# --- missed slots ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_slot_missed_while_down_is_enqueued_once_at_start_up_within_the_grace(enqueued):
    schedule = {BILLING: "7 * * * *"}
    # No scheduler ran at 10:07; one starts at 10:40 and fires each job's latest slot (its catch-up).
    started = scheduler(schedule)
    assert started.fire(started.jobs[0], now=at(10, 40)) is True
    assert list(ScheduledSlot.objects.values_list("slot", flat=True)) == [at(10, 7)]
    # Restarted at 10:50 (or a second process starting): that slot was done.
    restarted = scheduler(schedule)
    assert restarted.fire(restarted.jobs[0], now=at(10, 50)) is False
    assert restarted.fire(restarted.jobs[0], now=at(11, 7)) is True
    assert enqueued == [BILLING, BILLING]


@pytest.mark.django_db
def test_several_missed_slots_run_once_and_one_older_than_the_grace_not_at_all(enqueued):
    # Down from 09:55 to 10:30: the 10:00, 10:10 and 10:20 slots are made up by the latest alone.
    every_ten = scheduler({SWEEP: "*/10 * * * *"})
    assert every_ten.fire(every_ten.jobs[0], now=at(10, 29, 59)) is True
    assert list(ScheduledSlot.objects.values_list("slot", flat=True)) == [at(10, 20)]
    assert enqueued == [SWEEP]

    # A daily job due at 03:00, the scheduler back at 05:00 with an hour's grace: skipped until tomorrow.
    daily = scheduler({BILLING: "0 3 * * *"}, grace=HOUR)
    assert daily.fire(daily.jobs[0], now=at(5, 0)) is False
    assert daily.fire(daily.jobs[0], now=at(3, 0, 1, day=3)) is True
    assert enqueued == [SWEEP, BILLING]
    assert daily.jobs[0].last_slot(at(5, 0), within=dt.timedelta(hours=3)) == at(3, 0)


def test_last_slot_follows_the_crontab():
    [weekdays] = load_jobs({SWEEP: "30 9 * * mon-fri"})
    monday_morning = dt.datetime(2026, 3, 2, 9, 45, tzinfo=dt.UTC)  # 2 March 2026 is a Monday
    assert weekdays.last_slot(monday_morning, within=HOUR) == dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    assert weekdays.last_slot(monday_morning, within=dt.timedelta(minutes=10)) is None
    saturday = dt.datetime(2026, 3, 7, 9, 45, tzinfo=dt.UTC)
    assert weekdays.last_slot(saturday, within=dt.timedelta(days=1)) is None
    assert weekdays.last_slot(saturday, within=dt.timedelta(days=2)) == dt.datetime(2026, 3, 6, 9, 30, tzinfo=dt.UTC)


# --- pruning -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_claims_older_than_a_week_are_pruned():
    each = scheduler()
    now = at(12, 0, day=20)
    for age in (SLOT_RETENTION + dt.timedelta(minutes=1), SLOT_RETENTION - dt.timedelta(minutes=1), HOUR):
        ScheduledSlot.objects.create(job=SWEEP, slot=now - age)
    assert each.prune(now=now) == 1
    assert ScheduledSlot.objects.count() == 2
    assert ScheduledSlot.objects.filter(slot__lt=now - SLOT_RETENTION).count() == 0


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_error_during_a_fire_is_logged_once_and_the_next_fire_works(enqueued, caplog):
    each = scheduler()
    [job] = each.jobs
    table = ScheduledSlot._meta.db_table
    with connection.cursor() as cursor:  # as good as a database that cannot take the insert
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        assert each.fire_scheduled(job, now=at(10, 0)) is None
        assert each.fire_scheduled(job, now=at(10, 1)) is None
        assert each.prune(now=at(10, 1)) is None
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_away RENAME TO {table}")
    errors = scheduler_errors(caplog)
    assert len(errors) == 1 and "was not enqueued" in errors[0]
    assert enqueued == []

    assert each.fire_scheduled(job, now=at(10, 2)) is True
    assert enqueued == [SWEEP]
    assert "scheduler: database reachable again" in caplog.messages
    assert len(scheduler_errors(caplog)) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts a PostgreSQL connection")
def test_a_connection_cut_by_a_database_restart_costs_one_fire(enqueued, caplog):
    import psycopg

    each = scheduler()
    [job] = each.jobs
    connection.ensure_connection()
    backend_pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    dsn = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"], "dbname": db["NAME"]}
    with psycopg.connect(**dsn, autocommit=True) as admin:  # what a restart does to every session
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])

    assert each.fire(job, now=at(10, 0)) is None  # the fire in progress on the cut connection
    assert len(scheduler_errors(caplog)) == 1
    assert enqueued == []

    assert each.fire_scheduled(job, now=at(10, 1)) is True  # the next one, on a fresh connection
    assert enqueued == [SWEEP]
    assert "scheduler: database reachable again" in caplog.messages
    assert len(scheduler_errors(caplog)) == 1


# --- configuration -----------------------------------------------------------------------------


def test_the_shipped_schedule_loads(settings):
    jobs = load_jobs(settings.PERIODIC_TASKS)
    assert {job.name for job in jobs} == {
        SWEEP,
        BILLING,
        PRUNE,
        "notifications.tasks.sweep_deliveries",
        "notifications.tasks.send_weekly_summaries",
        "insights.tasks.rollup_costs",
        "actions.tasks.expire_proposals",
    }


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"chat.tasks.no_such_task": "* * * * *"}, "cannot import"),
        ({"chat.services.messages_fail_stale": "* * * * *"}, "is not a django-tasks task"),
        ({SWEEP: "* * * *"}, "not a crontab expression"),
        ({SWEEP: "0 9 * * 1"}, "day of the week as a name"),
        ({SWEEP: "61 * * * *"}, SWEEP),
    ],
)
def test_a_bad_schedule_entry_is_refused_naming_it(schedule, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_jobs(schedule)


def test_the_system_check_names_a_bad_schedule_entry(settings):
    from django.core.checks import run_checks

    assert [e for e in run_checks(tags=["periodic_tasks"]) if e.id == "sixfb.E004"] == []  # the shipped schedule passes
    settings.PERIODIC_TASKS = {SWEEP: "0 9 * * 1"}
    [error] = [e for e in run_checks(tags=["periodic_tasks"]) if e.id == "sixfb.E004"]
    assert SWEEP in error.msg and "day of the week" in error.msg


@pytest.mark.django_db
def test_the_daily_pruning_task_deletes_finished_task_results_older_than_two_weeks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    old, recent, waiting = (sweep_stale_answers.enqueue().id for _ in range(3))
    now = timezone.now()
    DBTaskResult.objects.filter(id=old).update(status="SUCCESSFUL", finished_at=now - dt.timedelta(days=15))
    DBTaskResult.objects.filter(id=recent).update(status="FAILED", finished_at=now - dt.timedelta(days=13))

    prune_task_results.call()  # what the worker runs when the scheduler enqueues it

    assert {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)} == {recent, waiting}
