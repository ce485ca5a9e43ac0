"""Two server processes on one Redis: a status change made through one reaches a browser on the other.

Needs the production stack (PostgreSQL shared by the processes, Redis as the channel layer), so it
runs in CI and wherever DATABASE_URL and REDIS_URL point at them; on the embedded defaults it skips.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.base import make_owner, make_user
from tests.servers import api_set_status, requires_shared_stack, running_servers

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), requires_shared_stack]


@pytest.fixture
def two_servers():
    # One daphne and one uvicorn: the product runs on either.
    with running_servers(1, command="daphne") as first, running_servers(1, command="uvicorn") as second:
        yield first + second


@database_sync_to_async
def people():
    owner, _shop = make_owner()
    browser = Client()
    browser.force_login(owner)
    staff = make_user(is_staff=True)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value, Token.objects.create(user=staff).key


async def test_a_change_through_one_process_reaches_a_browser_on_the_other(two_servers):
    port_a, port_b = two_servers
    session, token = await people()
    url = f"ws://127.0.0.1:{port_b}/ws/live/"
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}

    async with websockets.connect(url, origin=f"http://127.0.0.1:{port_b}", additional_headers=headers) as browser:
        await browser.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(browser.recv(), 5)) == {"type": "pong"}  # joined its groups

        saved = await asyncio.to_thread(api_set_status, port_a, token, "financial_advisor", "maintenance")

        event = json.loads(await asyncio.wait_for(browser.recv(), 5))
    assert saved["status"] == "maintenance"
    assert event == {
        "type": "agent.status",
        "agent": "financial_advisor",
        "status": "maintenance",
        "at": event["at"],
    }
    assert event["at"] == saved["at"].replace("Z", "+00:00")
