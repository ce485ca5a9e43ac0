"""The ``ai_chat_enabled`` kill switch: off, chat says it is paused on the page, the socket and the
SSE API, saves nothing and asks the model nothing; on, chat works as usual."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from channels.db import database_sync_to_async
from waffle.models import Switch

from chat.models import Conversation, Message
from chat.tests.support import TOKENS, async_setup, connect, make_setup, messages_of, receive_until_end, send, text_of
from chat.tests.test_chat_through_the_api import api_client
from sixfb.flags import AI_CHAT_ENABLED
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAUSED = {
    "type": "error",
    "code": "chat_paused",
    "message": "Chat is paused for maintenance. Your message was not sent; try again in a few minutes.",
}


def set_chat(*, on: bool) -> None:
    switch, _ = Switch.objects.get_or_create(name=AI_CHAT_ENABLED)
    switch.active = on
    switch.save()  # waffle flushes its cached switch on save


aset_chat = database_sync_to_async(set_chat)


@pytest.fixture
def chat_off() -> Iterator[None]:
    set_chat(on=False)
    yield
    set_chat(on=True)


async def test_a_message_on_the_socket_is_refused_saved_nowhere_and_the_socket_stays_open(fake_openai, chat_off):
    setup = await async_setup()
    socket = await connect(setup)

    await send(socket, type="message", content="How do I fill Saturdays?")
    assert await socket.receive_json_from(timeout=5) == PAUSED
    await send(socket, type="regenerate")
    refused = await socket.receive_json_from(timeout=5)
    assert (refused["type"], refused["code"]) == ("error", "chat_paused")
    assert refused["message"].startswith("Chat is paused for maintenance.")

    assert await messages_of(setup.conversation) == []
    assert fake_openai.requests == []

    await aset_chat(on=True)  # back on: the same socket answers again
    await send(socket, type="message", content="How do I fill Saturdays?")
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    assert [m.role for m in await messages_of(setup.conversation)] == ["user", "assistant"]
    await socket.disconnect()


async def test_stop_still_ends_an_answer_begun_before_the_switch_went_off(fake_openai):
    fake_openai.script(Reply(tokens=TOKENS, stall_after=2))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Count for me")
    frames: list[dict] = []
    while "One two" not in text_of(frames):
        frames.append(await socket.receive_json_from(timeout=5))

    await aset_chat(on=False)
    try:
        await send(socket, type="stop")
        frames += await receive_until_end(socket)
        assert frames[-1]["status"] == "stopped"
        answer = (await messages_of(setup.conversation))[-1]
        assert (answer.status, answer.content) == (Message.Status.STOPPED, "One two")
    finally:
        await aset_chat(on=True)
    await socket.disconnect()


async def test_the_sse_api_answers_503_before_streaming_and_saves_nothing(fake_openai, chat_off):
    setup = await async_setup()
    client = await api_client(setup)
    conversations_before = await Conversation.objects.acount()

    response = await client.post("/api/v1/chat/", {"agent": "business_coach", "message": "Hello?"})

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"code": PAUSED["code"], "message": PAUSED["message"]}
    assert await Conversation.objects.acount() == conversations_before
    assert await Message.objects.acount() == 0
    assert fake_openai.requests == []


async def test_the_sse_api_streams_while_chat_is_on(fake_openai):
    setup = await async_setup()
    client = await api_client(setup)
    response = await client.post("/api/v1/chat/", {"agent": "business_coach", "message": "Hello?"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    body = b"".join([chunk async for chunk in response.streaming_content])
    assert b'"type":"end","message_id"' in body


def test_the_pages_say_chat_is_paused_and_turn_the_composer_off(chat_off):
    setup = make_setup()

    page = setup.client.get(f"/chat/{setup.conversation.uuid}/")
    html = page.content.decode()
    assert "Chat is paused for maintenance." in html
    assert page.context["config"]["paused"] is True
    assert " disabled></textarea>" in html  # the composer
    assert 'id="chat-send" disabled' in html
    assert page.context["starters"] == []  # a starter would only be refused

    listing = setup.client.get("/chat/")
    assert "Chat is paused for maintenance." in listing.content.decode()


def test_a_question_asked_from_the_chat_list_waits_in_the_composer(chat_off):
    setup = make_setup()
    response = setup.client.post("/chat/new/", {"agent": "business_coach", "prompt": "Raise my prices?"})
    page = setup.client.get(response["Location"])
    assert page.context["config"]["autosend"] == ""  # not sent on its own: it would be refused
    assert "Raise my prices?</textarea>" in page.content.decode()


def test_the_pages_have_no_pause_banner_while_chat_is_on():
    setup = make_setup()
    page = setup.client.get(f"/chat/{setup.conversation.uuid}/")
    html = page.content.decode()
    assert "paused for maintenance" not in html
    assert page.context["config"]["paused"] is False
    assert 'id="chat-send">' in html
    assert "paused for maintenance" not in setup.client.get("/chat/").content.decode()
