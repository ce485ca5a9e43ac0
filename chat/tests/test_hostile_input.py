"""Hostile input on the chat and live sockets and the chat API: a clear error, the process unharmed."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import AsyncClient
from rest_framework.authtoken.models import Token

from chat.models import Message
from chat.tests.support import ORIGIN, async_setup, connect, messages_of, receive_until_end, send, text_of
from sixfb.asgi import application
from sixfb.models import Shop
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEEPLY_NESTED = "[" * 3000  # 3 KB, under both sockets' size limits


async def test_deeply_nested_json_gets_an_error_frame_and_the_chat_socket_stays_open(fake_openai):
    setup = await async_setup()
    socket = await connect(setup)
    await socket.send_to(text_data=DEEPLY_NESTED)
    frame = await socket.receive_json_from(timeout=5)
    assert (frame["type"], frame["code"]) == ("error", "bad_frame")
    await send(socket, type="message", content="Still there?")
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    await socket.disconnect()


async def test_deeply_nested_json_gets_an_error_frame_and_the_live_socket_stays_open():
    setup = await async_setup()
    socket = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN, setup.cookie])
    assert (await socket.connect())[0]
    await socket.send_to(text_data=DEEPLY_NESTED)
    frame = await socket.receive_json_from(timeout=5)
    assert (frame["type"], frame["code"]) == ("error", "bad_frame")
    await socket.send_to(text_data=json.dumps({"type": "ping"}))
    assert (await socket.receive_json_from(timeout=5))["type"] == "pong"
    await socket.disconnect()


async def test_deeply_nested_json_to_the_chat_api_is_a_400(fake_openai):
    setup = await async_setup()
    token = await database_sync_to_async(Token.objects.create)(user=setup.user)
    response = await AsyncClient().post(
        "/api/v1/chat/", DEEPLY_NESTED, content_type="application/json", headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == 400
    assert fake_openai.requests == []


@pytest.mark.parametrize("content", ["\ud800 lonely half", "a NUL \x00 byte"])
async def test_a_message_with_a_lone_surrogate_or_nul_is_refused_before_the_model_is_asked(fake_openai, content):
    setup = await async_setup()
    socket = await connect(setup)
    # json.dumps escapes both, as a browser's JSON.stringify does for a lone surrogate.
    await socket.send_to(text_data=json.dumps({"type": "message", "content": content}))
    frame = await socket.receive_json_from(timeout=5)
    assert (frame["type"], frame["code"]) == ("error", "invalid_characters")
    assert fake_openai.requests == []
    assert await messages_of(setup.conversation) == []
    await send(socket, type="message", content="A clean question")
    assert (await receive_until_end(socket))[-1]["status"] == "complete"
    await socket.disconnect()


async def test_a_flood_of_frames_is_cut_to_the_budget_and_the_socket_stays_open():
    setup = await async_setup()
    socket = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN, setup.cookie])
    assert (await socket.connect())[0]
    for _ in range(500):
        await socket.send_to(text_data='{"type":"ping"}')
    answers = []
    while not await socket.receive_nothing(timeout=0.3):
        answers.append(await socket.receive_json_from())
    pongs = [a for a in answers if a["type"] == "pong"]
    limited = [a for a in answers if a.get("code") == "rate_limited"]
    assert 0 < len(pongs) < 100
    assert 1 <= len(limited) <= 3  # one warning a second, not one per dropped frame
    await socket.send_to(text_data='{"type":"ping"}')  # the budget refills: the socket still answers
    assert (await socket.receive_json_from(timeout=5))["type"] == "pong"
    await socket.disconnect()


async def test_huge_shop_notes_do_not_break_chat_and_go_upstream_bounded(fake_openai):
    setup = await async_setup()
    await Shop.objects.filter(pk=setup.shop.pk).aupdate(notes_for_agents="We cut hair. " * 70_000)  # 910k chars
    socket = await connect(setup)
    await send(socket, type="message", content="What do we do?")
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    system = fake_openai.requests[0]["messages"][0]["content"]
    assert "We cut hair." in system
    assert len(system) < 10_000
    await socket.disconnect()


async def test_one_huge_answer_does_not_break_the_conversation_and_is_left_out_of_the_prompt(fake_openai):
    setup = await async_setup()
    await Message.objects.acreate(conversation=setup.conversation, shop=setup.shop, role="user", content="Write a lot")
    await Message.objects.acreate(
        conversation=setup.conversation, shop=setup.shop, role="assistant", content="blah " * 200_000
    )
    socket = await connect(setup)
    await send(socket, type="message", content="And now something short?")
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    sent = fake_openai.requests[0]["messages"]
    assert sent[-1] == {"role": "user", "content": "And now something short?"}
    assert all(len(m["content"]) < 50_000 for m in sent)
    await socket.disconnect()


@pytest.mark.parametrize("accept", ["text/event-stream", "*/*", None, "text/event-stream, application/json;q=0.5"])
async def test_the_chat_api_serves_what_sse_clients_accept(fake_openai, accept):
    fake_openai.script(Reply(tokens=["Yes"]))
    setup = await async_setup()
    token = await database_sync_to_async(Token.objects.create)(user=setup.user)
    headers = {"Authorization": f"Token {token}"}
    if accept is not None:
        headers["Accept"] = accept
    response = await AsyncClient().post(
        "/api/v1/chat/",
        {"conversation": str(setup.conversation.uuid), "message": "Open on Sunday?"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    body = b"".join([chunk async for chunk in response.streaming_content]).decode()
    events = [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]
    assert events[-1]["type"] == "end" and text_of(events) == "Yes"


async def test_a_refusal_to_an_sse_client_is_still_json(fake_openai):
    setup = await async_setup()
    token = await database_sync_to_async(Token.objects.create)(user=setup.user)
    response = await AsyncClient().post(
        "/api/v1/chat/",
        {"conversation": str(setup.conversation.uuid), "message": "x" * (settings.CHAT_MAX_MESSAGE_CHARS + 1)},
        content_type="application/json",
        headers={"Authorization": f"Token {token}", "Accept": "text/event-stream"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "message_too_long"
