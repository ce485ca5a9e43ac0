"""Without a model key, demo answers stream through the same path as real answers, cost nothing, and
carry a "Demo answer" label, live and after a reload."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from chat.tests.support import (
    add_turns,
    async_setup,
    connect,
    make_setup,
    messages_of,
    receive_until_end,
    send,
    text_of,
)

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_demo_answers_stream_word_by_word_through_the_same_path(demo_mode, settings):
    settings.CHAT_DEMO_WORD_DELAY_MS = 5
    setup = await async_setup(shop_name="Fresh Cuts")
    socket = await connect(setup)
    await send(socket, type="message", content="What about prices?")
    frames = await receive_until_end(socket, timeout=20)
    assert frames[0]["type"] == "start"
    assert len([f for f in frames if f["type"] == "delta"]) > 3
    end = frames[-1]
    assert (end["type"], end["status"], end["demo"]) == ("end", "complete", True)
    answer = (await messages_of(setup.conversation))[-1]
    assert answer.content == text_of(frames)
    assert text_of(frames).startswith("**Avery · Pricing at Fresh Cuts**")
    assert "OPENAI_API_KEY" not in answer.content and "README" not in answer.content
    assert (answer.status, answer.model, str(answer.cost_usd)) == ("complete", "demo", "0.000000")
    await socket.disconnect()


async def test_a_regenerated_demo_answer_streams_and_is_labelled_too(demo_mode, settings):
    settings.CHAT_DEMO_WORD_DELAY_MS = 0
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="How do I get more reviews?")
    first = await receive_until_end(socket, timeout=20)
    await send(socket, type="regenerate")
    again = await receive_until_end(socket, timeout=20)
    assert text_of(again) == text_of(first)  # same question, same shop: the same answer
    assert again[-1]["demo"] is True
    await socket.disconnect()


async def test_the_label_is_on_the_page_after_a_reload(demo_mode, settings):
    settings.CHAT_DEMO_WORD_DELAY_MS = 0
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Hello")
    await receive_until_end(socket, timeout=20)
    await socket.disconnect()
    url = reverse("chat_conversation", kwargs={"conversation_uuid": setup.conversation.uuid})
    page = (await database_sync_to_async(setup.client.get)(url)).content.decode()
    assert page.count('class="bubble-note demo-answer">Demo answer</p>') == 1
    assert "OPENAI_API_KEY" not in page


def test_answers_from_a_model_carry_no_label(demo_mode):
    setup = make_setup()
    add_turns(setup, ("Hi", "A real answer"))
    setup.conversation.messages.filter(role="assistant").update(model="gpt-4o-mini")
    page = setup.client.get(reverse("chat_conversation", kwargs={"conversation_uuid": setup.conversation.uuid}))
    assert b"A real answer" in page.content
    assert b"demo-answer" not in page.content
