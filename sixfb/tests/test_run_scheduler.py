"""``manage.py run_scheduler`` as a real process: it starts, survives a database it cannot use,
enqueues each job's due slot at start-up (once, with two of them running) and stops on SIGTERM or
SIGINT with status 0."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from sixfb.management.commands.run_scheduler import SignalStop
from sixfb.models import ScheduledSlot
from tests.servers import ROOT, requires_shared_stack, server_environment

SWEEP = "chat.tasks.sweep_stale_answers"


def start(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_scheduler"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def wait_for_lines(process: subprocess.Popen, log: Path, *patterns: str, timeout: float = 90) -> str:
    """The log once every pattern has matched (the process must stay up meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        text = log.read_text(errors="replace")
        if all(re.search(pattern, text) for pattern in patterns):
            return text
        assert process.poll() is None, f"run_scheduler exited with {process.returncode}:\n{text[-3000:]}"
        assert time.monotonic() < deadline, f"never logged {patterns}:\n{text[-3000:]}"
        time.sleep(0.2)


def stop(process: subprocess.Popen, stop_signal: signal.Signals) -> int:
    process.send_signal(stop_signal)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_it_starts_without_a_usable_database_logs_that_once_and_stops_cleanly(tmp_path, stop_signal):
    unset = {"DATABASE_URL", "REDIS_URL"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in unset}
    env.update(
        DJANGO_SETTINGS_MODULE="sixfb.settings",
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}",
    )
    log = tmp_path / "scheduler.log"
    process = start(env, log)
    try:
        wait_for_lines(
            process,
            log,
            rf"scheduler: started, {len(settings.PERIODIC_TASKS)} periodic tasks",
            r"scheduler: database error",
        )
        status = stop(process, stop_signal)
    finally:
        if process.poll() is None:
            process.kill()
    text = log.read_text(errors="replace")
    assert status == 0, text[-3000:]
    assert "scheduler: stopped" in text
    # Both jobs' start-up fires and the pruning failed: one line says so.
    assert len(re.findall(r"scheduler: database error", text)) == 1, text[-3000:]
    assert "Traceback" not in text, text[-3000:]


@requires_shared_stack
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_starting_together_enqueue_each_due_slot_once(tmp_path):
    env = {**server_environment(), "DJANGO_LOG_LEVEL": "DEBUG"}  # "already claimed" is a debug line
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes = [start(env, log) for log in logs]
    claimed = rf"scheduler: enqueued {SWEEP} for|{SWEEP} for \S+ was already claimed"
    try:
        for process, log in zip(processes, logs, strict=True):
            wait_for_lines(process, log, r"scheduler: started", claimed)
        statuses = [stop(process, signal.SIGTERM) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    texts = [log.read_text(errors="replace") for log in logs]
    assert statuses == [0, 0], [text[-3000:] for text in texts]

    # The minute may turn between the two starts: however many slots, each was enqueued once.
    slots = ScheduledSlot.objects.filter(job=SWEEP).count()
    assert slots >= 1
    assert DBTaskResult.objects.filter(task_path=SWEEP).count() == slots
    assert sum(len(re.findall(rf"scheduler: enqueued {SWEEP} for", text)) for text in texts) == slots


def test_a_stop_made_by_a_signal_handler_ends_the_wait_and_takes_no_lock():
    """The command's stop is set from signal handlers, which may run inside each other (SIGINT, then
    SIGTERM a moment later, as `make run`'s Ctrl-C sends them): it must take no lock."""
    stop = SignalStop()
    assert stop.wait(timeout=0.1) is False
    previous = signal.signal(signal.SIGALRM, lambda _signum, _frame: stop.set())
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        began = time.monotonic()
        assert stop.wait(timeout=10) is True
        assert time.monotonic() - began < 5
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not any(isinstance(value, type(threading.Lock())) for value in vars(stop).values())
