"""The `end` frame carries the shop's chat count after the answer, as the usage API counts it: the
page shows the server's figure (a resumed answer was counted twice by the page's own arithmetic)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from billing.models import Plan
from chat.models import Message
from chat.tests.support import add_turns, async_setup, connect, receive_until_end, send
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def usage_api(setup) -> dict:
    return setup.client.get("/api/v1/usage/").json()


async def test_the_end_frame_says_how_many_chats_are_left_as_the_usage_api_counts_them(fake_openai):
    fake_openai.script(Reply(tokens=["Raise", " prices", "."]), Reply(status=500), Reply(status=500))
    setup = await async_setup()
    await database_sync_to_async(add_turns)(setup, ("a", "b"), ("c", "d"))
    socket = await connect(setup)

    await send(socket, type="message", content="How should I price a fade?")
    end = (await receive_until_end(socket))[-1]

    assert end["status"] == "complete"
    limit = (await database_sync_to_async(Plan.objects.get)(slug="free")).monthly_chats
    assert end["quota"] == {"monthly_chats": limit, "chats_used": 3, "chats_remaining": limit - 3}
    usage = await database_sync_to_async(usage_api)(setup)
    assert (usage["chats_used"], usage["chats_remaining"]) == (3, limit - 3)

    # An answer that fails before any text is not a chat: the count goes back, and the frame says so.
    await send(socket, type="message", content="And my prices?")
    end = (await receive_until_end(socket))[-1]
    assert end["status"] == Message.Status.ERROR
    assert end["quota"]["chats_used"] == 3
    await socket.disconnect()
