"""The per-shop cap on concurrent answers: `shop_busy` while the first answer is written, free again after."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from chat.models import Message
from chat.services import conversation_start
from chat.tests.support import AGENT, async_setup, connect, messages_of, receive_until_end, send, text_of
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_the_shop_cap_on_concurrent_answers_answers_shop_busy(fake_openai, settings):
    settings.CHAT_MAX_CONCURRENT_PER_SHOP = 1
    fake_openai.script(Reply(tokens=["Thinking", " hard"], stall_after=1), Reply(tokens=["Now", " free"]))
    setup = await async_setup()
    second = await database_sync_to_async(conversation_start)(user=setup.user, shop=setup.shop, agent_slug=AGENT)
    first_socket = await connect(setup)
    second_socket = await connect(setup, second)

    await send(first_socket, type="message", content="Plan my week")
    assert (await first_socket.receive_json_from(timeout=5))["type"] == "start"

    await send(second_socket, type="message", content="And my prices?")
    busy = await second_socket.receive_json_from(timeout=5)
    assert busy["type"] == "error"
    assert busy["code"] == "shop_busy"
    assert await messages_of(second) == []  # nothing saved, nothing sent upstream
    assert len(fake_openai.requests) == 1

    await send(first_socket, type="stop")
    frames = await receive_until_end(first_socket)
    assert frames[-1]["status"] == "stopped"

    # The slot is free again: the same socket can now send.
    await send(second_socket, type="message", content="And my prices?")
    frames = await receive_until_end(second_socket)
    assert frames[-1]["status"] == "complete"
    assert text_of(frames) == "Now free"
    [_question, answer] = await messages_of(second)
    assert answer.status == Message.Status.COMPLETE
    await first_socket.disconnect()
    await second_socket.disconnect()
