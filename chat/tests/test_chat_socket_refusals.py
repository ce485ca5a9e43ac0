"""The chat socket's refusals: quota, rate limit, a message mid-answer, bad frames, a paused agent, another's chat."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from agents.models import Agent
from billing.models import Plan
from chat.tests.support import ORIGIN, TOKENS, async_setup, connect, messages_of, receive_until_end, send
from sixfb.asgi import application
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_at_the_monthly_limit_nothing_is_sent_upstream(fake_openai):
    await database_sync_to_async(Plan.objects.filter(slug=Plan.FREE).update)(monthly_chats=1)
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="First")
    await receive_until_end(socket)

    await send(socket, type="message", content="Second")
    error = await socket.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert error["code"] == "quota_exceeded"
    assert error["url"] == "/pricing/"
    assert len(fake_openai.requests) == 1
    assert [m.content for m in await messages_of(setup.conversation)] == ["First", "Hello there, barber!"]
    await socket.disconnect()


async def test_the_per_user_rate_limit(fake_openai, settings):
    settings.CHAT_RATE_LIMIT_PER_MINUTE = 1
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="First")
    await receive_until_end(socket)
    await send(socket, type="message", content="Second")
    error = await socket.receive_json_from(timeout=5)
    assert error["code"] == "rate_limited"
    assert len(fake_openai.requests) == 1
    await socket.disconnect()


async def test_a_message_while_an_answer_is_written_is_refused(fake_openai):
    fake_openai.script(Reply(tokens=TOKENS, stall_after=1))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="First")
    assert (await socket.receive_json_from(timeout=5))["type"] == "start"
    await send(socket, type="message", content="Second")
    frames = []
    while not any(f["type"] == "error" for f in frames):
        frames.append(await socket.receive_json_from(timeout=5))
    assert frames[-1]["code"] == "generation_in_progress"
    await send(socket, type="stop")
    assert (await receive_until_end(socket))[-1]["status"] == "stopped"
    assert [m.role for m in await messages_of(setup.conversation)] == ["user", "assistant"]
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"text_data": "{not json"}, "bad_frame"),
        ({"text_data": '{"type": 5}'}, "bad_frame"),
        ({"bytes_data": b"\x00\x01"}, "bad_frame"),
        ({"text_data": '{"type": "launch_missiles"}'}, "unknown_type"),
        ({"text_data": '{"type": "message", "content": "   "}'}, "empty_message"),
        ({"text_data": '{"type": "message", "content": 5}'}, "empty_message"),
        ({"text_data": json.dumps({"type": "message", "content": "x" * 11})}, "message_too_long"),
        ({"text_data": '{"type": "regenerate"}'}, "nothing_to_regenerate"),
        ({"text_data": '{"type": "stop"}'}, "nothing_to_stop"),
    ],
)
async def test_bad_input_gets_an_error_and_the_socket_stays_usable(fake_openai, settings, frame, code):
    settings.CHAT_MAX_MESSAGE_CHARS = 10
    setup = await async_setup()
    socket = await connect(setup)
    await socket.send_to(**frame)
    error = await socket.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", code)
    assert error["message"]
    assert await messages_of(setup.conversation) == []

    await send(socket, type="message", content="Still on?")
    assert (await receive_until_end(socket))[-1]["status"] == "complete"
    await socket.disconnect()


async def test_a_paused_agent_does_not_answer(fake_openai):
    setup = await async_setup()
    await database_sync_to_async(Agent.objects.filter(slug="business_coach").update)(status=Agent.Status.PAUSED)
    socket = await connect(setup)
    await send(socket, type="message", content="Hello?")
    error = await socket.receive_json_from(timeout=5)
    assert error["code"] == "agent_unavailable"
    assert fake_openai.requests == []
    await socket.disconnect()


async def test_someone_elses_conversation_is_refused_at_the_handshake(fake_openai):
    mine = await async_setup()
    theirs = await async_setup(shop_name="Rival Fades")
    communicator = WebsocketCommunicator(
        application, f"/ws/chat/{mine.conversation.uuid}/", headers=[ORIGIN, theirs.cookie]
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()

    anonymous = WebsocketCommunicator(application, f"/ws/chat/{mine.conversation.uuid}/", headers=[ORIGIN])
    connected, _ = await anonymous.connect()
    assert not connected
    await anonymous.disconnect()
