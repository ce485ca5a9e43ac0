"""Real ASGI server processes on loopback, serving the test database (for cross-process and browser tests).

They need a database other processes can open, so they run on PostgreSQL only (the suite's
SQLite database lives in memory); callers skip with ``requires_shared_stack`` otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

requires_shared_stack = pytest.mark.skipif(
    not settings.REDIS_URL or connection.vendor != "postgresql",
    reason="needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL; CI does)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment() -> dict[str, str]:
    db = connection.settings_dict
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "sixfb.settings",
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # sessions made by the test are valid there
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }


def _wait_healthy(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stderr.read().decode()[-2000:] if process.stderr else "(see its log file)"
            raise RuntimeError(f"server on {port} exited: {output}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on {port} never became healthy")


@contextlib.contextmanager
def running_servers(
    count: int, *, command: str = "daphne", env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[list[int]]:
    """Start ``count`` server processes on free ports (with ``env`` added); yield the ports; stop them.
    With ``log``, the processes' standard error goes to that file (for tests of what is logged)."""
    ports = [free_port() for _ in range(count)]
    log_file = log.open("wb") if log is not None else None
    stderr = log_file if log_file is not None else subprocess.PIPE
    max_size = str(settings.WEBSOCKET_MAX_MESSAGE_BYTES)  # the production commands' flags (README)
    argv = {
        "daphne": lambda port: [
            *(sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)),
            *("--websocket-max-message-size", max_size, "--websocket-max-frame-size", max_size),
        ],
        "uvicorn": lambda port: [
            *(sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)),
            *("--ws", "websockets", "--ws-max-size", max_size, "--log-level", "warning"),
        ],
    }[command]
    processes = [
        subprocess.Popen(
            [*argv(port), "sixfb.asgi:application"],
            cwd=ROOT,
            env={**server_environment(), **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_healthy(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if log_file is not None:
            log_file.close()


def api_set_status(port: int, token: str, slug: str, status: str) -> dict:
    """Change an agent's status through a running server's API, as a staff client would."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/agents/{slug}/status",
        data=json.dumps({"status": status}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


class RedisServer:
    """A Redis of the test's own on a free loopback port, to stop and start again (fault tests):
    the machine's shared Redis is never touched."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # as a crash would: no goodbye to the clients
            self.process.wait(timeout=10)
            self.process = None


def chat_socket(port: int, setup, conversation=None):
    """A websocket client (the ``websockets`` library) on a running server's chat socket, signed in
    with ``setup``'s session (chat.tests.support.Setup)."""
    import websockets
    from websockets.typing import Origin

    conversation = conversation or setup.conversation
    name, value = setup.cookie
    return websockets.connect(
        f"ws://127.0.0.1:{port}/ws/chat/{conversation.uuid}/",
        origin=Origin(f"http://127.0.0.1:{port}"),
        additional_headers={name.decode(): value.decode()},
    )


async def next_frame(socket, timeout: float = 10) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


async def frames_until_end(socket, timeout: float = 10) -> list[dict]:
    frames = []
    while True:
        frames.append(await next_frame(socket, timeout))
        if frames[-1]["type"] in {"end", "error"}:
            return frames
