"""Two server processes on one Redis: a status change made through one reaches a browser on the other.

Needs the production stack (PostgreSQL shared by the processes, Redis as the channel layer), so it
runs in CI and wherever DATABASE_URL and REDIS_URL point at them; on the embedded defaults it skips.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.base import make_owner, make_user

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "sixfb.settings",
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The test database, which this test has committed its rows to.
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "sixfb.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_healthy(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on {port} never became healthy")


@pytest.fixture
def two_servers():
    ports = [free_port(), free_port()]
    processes = [start_server(port) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_healthy(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@database_sync_to_async
def people():
    owner, _shop = make_owner()
    browser = Client()
    browser.force_login(owner)
    staff = make_user(is_staff=True)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value, Token.objects.create(user=staff).key


def post_status(port: int, token: str, slug: str, status: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/agents/{slug}/status",
        data=json.dumps({"status": status}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


async def test_a_change_through_one_process_reaches_a_browser_on_the_other(two_servers):
    port_a, port_b = two_servers
    session, token = await people()
    url = f"ws://127.0.0.1:{port_b}/ws/live/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}

    async with websockets.connect(url, origin=f"http://127.0.0.1:{port_b}", additional_headers=headers) as browser:
        await browser.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(browser.recv(), 5)) == {"type": "pong"}  # joined its groups

        saved = await asyncio.to_thread(post_status, port_a, token, "financial_advisor", "maintenance")

        event = json.loads(await asyncio.wait_for(browser.recv(), 5))
    assert saved["status"] == "maintenance"
    assert event == {
        "type": "agent.status",
        "agent": "financial_advisor",
        "status": "maintenance",
        "at": event["at"],
    }
    assert event["at"] == saved["at"].replace("Z", "+00:00")
