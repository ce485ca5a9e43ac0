"""Faults on the real services: Redis stopped and started, PostgreSQL connections cut as a restart cuts
them, the model server sending garbage. Nothing a person wrote or was shown is lost, and each
outage is logged once.

A real uvicorn process serves the test database; Redis is a private redis-server of the test's own
(the machine's shared one is never stopped); the model is the loopback OpenAI fake.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.hashers import make_password
from django.db import connection

from chat.models import Message, ModelPrice
from chat.tasks import sweep_stale_answers
from chat.tests.support import async_setup, messages_of, wait_for
from tests.base import PASSWORD
from tests.fakes.openai_server import Reply
from tests.servers import RedisServer, chat_socket, frames_until_end, requires_shared_stack, running_servers

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    requires_shared_stack,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to start a private Redis"),
]

SLOW = [f" word{n}" for n in range(40)]
SERVER_APP_NAME = "sixfb-under-fault-test"


@pytest.fixture
def redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def server(fake, redis, tmp_path):
    env = {
        "OPENAI_API_KEY": "sk-test-fake-key-0000",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_MAX_RETRIES": "0",
        "REDIS_URL": redis.url,
        "PGAPPNAME": SERVER_APP_NAME,  # libpq's: lets the test cut the server's connections and no others
    }
    log = tmp_path / "server.log"
    with running_servers(1, command="uvicorn", env=env, log=log) as (port,):
        yield port, log


def shown(frames: list[dict]) -> str:
    text = ""
    for frame in frames:
        if frame["type"] == "start":
            text = frame.get("text", "")
        elif frame["type"] == "delta":
            text += frame["text"]
    return text


def get(port: int, path: str, cookie: tuple[bytes, bytes] | None = None) -> tuple[int, str]:
    headers = {cookie[0].decode(): cookie[1].decode()} if cookie else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def log_lines(log: Path, pattern: str) -> list[str]:
    return [line for line in log.read_text(errors="replace").splitlines() if re.search(pattern, line)]


async def test_redis_stopped_mid_answer_loses_nothing_and_the_outage_is_logged_once(fake, redis, server):
    port, log = server
    fake.script(Reply(tokens=SLOW, gap=0.1))
    setup = await async_setup()
    async with chat_socket(port, setup) as socket:
        await socket.send(json.dumps({"type": "message", "content": "Plan my week"}))
        frames = [json.loads(await socket.recv()), json.loads(await socket.recv())]
        assert [f["type"] for f in frames] == ["start", "delta"]

        redis.stop()
        await asyncio.sleep(2.5)  # several failed beats, if anything in a beat needed Redis
        # Another page load, and a run of the periodic stale sweep, while Redis is still down: the
        # answer's lease was renewed through the outage, so the sweep leaves it alone.
        status, _ = await asyncio.to_thread(get, port, f"/chat/{setup.conversation.uuid}/", setup.cookie)
        assert status == 200
        swept = await database_sync_to_async(sweep_stale_answers.enqueue)()
        assert (swept.status, swept.return_value) == ("SUCCESSFUL", 0)
        redis.start()

        frames += await frames_until_end(socket)
    assert frames[-1]["type"] == "end" and frames[-1]["status"] == "complete"
    answer = (await messages_of(setup.conversation))[-1]
    assert (answer.status, answer.error_code) == ("complete", "")
    assert answer.content == shown(frames) == "".join(SLOW)
    assert len(log_lines(log, "cache unreachable")) == 1


async def test_with_redis_down_answers_are_saved_with_their_cost_logins_work_and_health_says_503(fake, redis, server):
    port, _ = server
    await ModelPrice.objects.acreate(
        model="gpt-4o-mini",
        effective_from=dt.date(2020, 1, 1),
        input_per_million_usd=Decimal("0.15"),
        output_per_million_usd=Decimal("0.60"),
    )
    fake.script(Reply(tokens=SLOW[:10], gap=0.1))
    setup = await async_setup()
    redis.stop()

    async with chat_socket(port, setup) as socket:  # a handshake with Redis down
        await socket.send(json.dumps({"type": "message", "content": "Plan my week"}))
        frames = await frames_until_end(socket)
    assert frames[-1]["status"] == "complete"
    # The shop's kept count is out of reach with the cache: the end frame's quota is counted in the database.
    assert frames[-1]["quota"]["chats_used"] == 1
    answer = (await messages_of(setup.conversation))[-1]
    assert (answer.status, answer.content) == ("complete", "".join(SLOW[:10]))
    assert answer.cost_usd is not None and answer.cost_usd > 0  # the price came from the database

    status, body = await asyncio.to_thread(get, port, "/healthz")
    assert status == 503
    health = json.loads(body)
    assert "cache" in health["failing"] and "database" not in health["failing"]

    # The server runs the real hashers (the suite's fast one is not among them).
    setup.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    await setup.user.asave(update_fields=["password"])
    assert await asyncio.to_thread(login, port, setup.user.email) == 302


def login(port: int, email: str) -> int:
    """Sign in through the real login form; the status of the POST (302 on success)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), NoRedirect())
    page = opener.open(f"http://127.0.0.1:{port}/accounts/login/", timeout=15).read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "the login page has no CSRF token"
    token = found.group(1)
    data = urllib.parse.urlencode({"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/accounts/login/", data=data, headers={"Referer": f"http://127.0.0.1:{port}/"}
    )
    try:
        return opener.open(request, timeout=15).status
    except urllib.error.HTTPError as error:
        return error.code


@database_sync_to_async
def cut_database_connections() -> int:
    """What a PostgreSQL restart does to every client: its connections end ("terminating connection
    due to administrator command"). Only the server process's, on this test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [SERVER_APP_NAME],
        )
        return cursor.fetchone()[0]


async def test_database_connections_cut_mid_answer_lose_nothing(fake, server):
    port, _ = server
    fake.script(Reply(tokens=SLOW, gap=0.05))
    setup = await async_setup()
    async with chat_socket(port, setup) as socket:
        await socket.send(json.dumps({"type": "message", "content": "Plan my week"}))
        frames = [json.loads(await socket.recv()), json.loads(await socket.recv())]
        assert await cut_database_connections() > 0
        frames += await frames_until_end(socket)
    assert frames[-1]["status"] == "complete"
    answer = (await messages_of(setup.conversation))[-1]
    assert (answer.status, answer.content) == ("complete", "".join(SLOW))

    # Cut again, at once: the server used these connections a moment ago, inside the second in which
    # a just-used connection is trusted without a round trip (sixfb/lib/postgres). The first request
    # may meet a dead one; the pool is then checked whole, so every request after it answers 200.
    await cut_database_connections()
    statuses = [(await asyncio.to_thread(get, port, "/healthz"))[0] for _ in range(10)]
    assert statuses[0] in (200, 503) and statuses[1:] == [200] * 9, statuses


async def test_garbage_from_the_model_ends_the_answer_with_an_error_and_keeps_what_was_shown(fake, server):
    port, log = server
    fake.script(Reply(tokens=SLOW[:6], junk_after=3), Reply(tokens=["Fine", " now"]))
    setup = await async_setup()
    async with chat_socket(port, setup) as socket:
        await socket.send(json.dumps({"type": "message", "content": "Plan my week"}))
        frames = await frames_until_end(socket)
        assert frames[-1]["status"] == "error"
        assert frames[-1]["error"]["code"] == "upstream_error"
        await socket.send(json.dumps({"type": "message", "content": "Again?"}))
        again = await frames_until_end(socket)
    assert again[-1]["status"] == "complete"

    async def both_saved():
        rows = await messages_of(setup.conversation)
        return rows if len(rows) == 4 else None

    _, broken, _, fine = await wait_for(both_saved)
    assert shown(frames) == "".join(SLOW[:3])
    assert (broken.status, broken.content) == ("error", "".join(SLOW[:3]))
    assert (fine.status, fine.content) == ("complete", "Fine now")
    assert not log_lines(log, "Traceback")
    assert await Message.objects.filter(status="streaming").acount() == 0
