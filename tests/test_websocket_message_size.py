"""A real server started with the documented flags closes a socket sent a 1 MB message before the app
buffers it (uvicorn with 1009, "message too big"; daphne drops the connection without a close
frame); ordinary frames, and frames the app itself refuses, still work.

Runs both server commands of tests/servers.py (uvicorn, as the README deploys it, and daphne), so it
needs the shared stack like the other cross-process tests.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from tests.base import make_owner, session_cookie
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), requires_shared_stack]

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(params=["uvicorn", "daphne"])
def server(request):
    with running_servers(1, command=request.param) as (port,):
        yield request.param, port


@database_sync_to_async
def signed_in() -> str:
    user, _shop = make_owner()
    return session_cookie(user)


async def next_frame(socket) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), 10))


async def test_a_one_megabyte_message_closes_the_socket(server):
    command, port = server
    url, page = f"ws://127.0.0.1:{port}/ws/live/", f"http://127.0.0.1:{port}"
    async with websockets.connect(url, origin=page, additional_headers={"Cookie": await signed_in()}) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert await next_frame(socket) == {"type": "pong"}
        # Over the app's 4 KiB but under the server's limit: the app answers, the socket stays open.
        await socket.send(json.dumps({"type": "ping", "padding": "x" * 8000}))
        assert (await next_frame(socket))["type"] == "error"

        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.send(json.dumps({"type": "ping", "padding": "x" * 1_000_000}))
            await next_frame(socket)
    if command == "uvicorn":
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_the_readme_production_command_sets_the_same_limit():
    command = re.search(r"uvicorn sixfb\.asgi:application[^\n]*(?:\n +[^\n]*)*", README.read_text()).group(0)
    assert f"--ws-max-size {settings.WEBSOCKET_MAX_MESSAGE_BYTES}" in command
