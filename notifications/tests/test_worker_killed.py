"""A worker killed mid-send loses nothing and sends nothing twice: real ``db_worker`` processes on
PostgreSQL, email over SMTP to a fake server on loopback that holds the first message's DATA open
while the worker is killed; the sweep takes its delivery back and a second worker sends everything."""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings
from django.utils import timezone

from notifications.models import Delivery
from notifications.services import deliveries
from notifications.services.notify import notify
from tests.base import make_owner
from tests.fakes.smtp import FakeSMTP
from tests.servers import ROOT, requires_shared_stack, server_environment

pytestmark = [requires_shared_stack, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COUNT = 20
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def fake_smtp() -> Iterator[FakeSMTP]:
    with FakeSMTP() as fake:
        yield fake


@pytest.fixture
def start_worker(fake_smtp: FakeSMTP) -> Iterator[Callable[[], subprocess.Popen]]:
    env = {
        **server_environment(),
        "DJANGO_SETTINGS_MODULE": "tests.settings_worker",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(fake_smtp.port),
        "EMAIL_USE_TLS": "false",
    }
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        argv = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(fake_smtp, start_worker):
    user, shop = make_owner(email="owner@example.com")
    fake_smtp.stall.clear()  # the first DATA is held unanswered: a send in flight
    with override_settings(TASKS=DATABASE_TASKS):
        for n in range(COUNT):
            notify(shop=shop, kind="welcome", user=user, dedupe_key=f"welcome-{n}", payload={})
    # These twenty (making the shop sent its own welcome, in this process, before the test began).
    emails = Delivery.objects.filter(channel="email", notification__dedupe_key__startswith="welcome-")
    assert emails.filter(status="queued").count() == COUNT

    worker_a = start_worker()
    assert fake_smtp.data_started.wait(timeout=45), worker_a.stderr.read().decode()[-2000:] if worker_a.stderr else ""
    os.kill(worker_a.pid, signal.SIGKILL)
    worker_a.wait(timeout=10)
    time.sleep(0.5)  # the fake sees the connection close and drops the unanswered message
    fake_smtp.stall.set()
    in_flight = emails.get(status="sending")  # the one it was sending, held until its lease runs out
    assert fake_smtp.messages == []  # the provider never answered: nothing was accepted

    wait_until(lambda: timezone.now() > in_flight.lease_until + dt.timedelta(seconds=0.5), 15, "the lease")
    with override_settings(TASKS=DATABASE_TASKS):
        assert deliveries.deliveries_sweep()["taken_back"] == 1
    worker_b = start_worker()
    wait_until(lambda: emails.filter(status="sent").count() == COUNT or worker_b.poll() is not None, 60, "all sent")

    assert worker_b.poll() is None, worker_b.stderr.read().decode()[-2000:] if worker_b.stderr else ""
    assert set(emails.values_list("status", flat=True)) == {"sent"}
    received = collections.Counter(str(m["Message-ID"]).strip("<>").split("@")[0] for m in fake_smtp.messages)
    assert set(received) == {str(pk) for pk in emails.values_list("pk", flat=True)}  # none lost
    assert set(received.values()) == {1}  # none twice
    in_flight.refresh_from_db()
    assert in_flight.attempts == 2
