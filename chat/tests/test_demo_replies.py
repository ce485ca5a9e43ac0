"""Without a model key, demo replies stream through the same path as real answers and cost nothing."""

from __future__ import annotations

import pytest

from chat.tests.support import async_setup, connect, messages_of, receive_until_end, send, text_of

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_demo_replies_stream_through_the_same_path(demo_mode):
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="What about prices?")
    frames = await receive_until_end(socket, timeout=10)
    assert len([f for f in frames if f["type"] == "delta"]) > 3
    assert text_of(frames).startswith("**Demo reply**")
    assert "What about prices?" in text_of(frames)
    answer = (await messages_of(setup.conversation))[-1]
    assert (answer.status, answer.model, str(answer.cost_usd)) == ("complete", "demo", "0.000000")
    await socket.disconnect()
