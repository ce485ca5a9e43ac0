"""Regenerate replaces the last answer, asks the same question again without it, and counts as a chat."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat.selectors import chats_used
from chat.tests.support import async_setup, connect, messages_of, receive_until_end, send, text_of
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_regenerate_replaces_the_last_answer_and_counts_as_a_chat(fake_openai):
    fake_openai.script(Reply(tokens=["First"]), Reply(tokens=["Second"]))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Tell me")
    await receive_until_end(socket)
    await send(socket, type="regenerate")
    frames = await receive_until_end(socket)
    assert text_of(frames) == "Second"

    rows = await messages_of(setup.conversation)
    assert [(m.role, m.content, m.superseded) for m in rows] == [
        ("user", "Tell me", False),
        ("assistant", "First", True),
        ("assistant", "Second", False),
    ]
    # The regenerated request asked the same question, without the replaced answer.
    assert fake_openai.requests[1]["messages"][-1] == {"role": "user", "content": "Tell me"}
    now = timezone.now()
    used = await database_sync_to_async(chats_used)(
        shop=setup.shop, start=now - timezone.timedelta(hours=1), end=now + timezone.timedelta(hours=1)
    )
    assert used == 2
    await socket.disconnect()
