"""`/ws/chat/<uuid>/`: stop, leaving and coming back, regenerate, refusals, upstream failures."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from agents.models import Agent
from billing.models import Plan
from chat.models import Message
from chat.selectors import chats_used
from chat.tasks import sweep_stale_answers
from chat.tests.support import (
    ORIGIN,
    async_setup,
    connect,
    messages_of,
    receive_until_end,
    send,
    text_of,
    wait_for,
)
from sixfb.asgi import application
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOKENS = ["One", " two", " three", " four", " five", " six", " seven", " eight"]


async def receive_text(socket, until: str, frames: list[dict]) -> None:
    while until not in text_of(frames):
        frames.append(await socket.receive_json_from(timeout=5))


async def test_stop_cancels_upstream_at_once_and_keeps_the_partial_answer(fake_openai):
    fake_openai.script(Reply(tokens=TOKENS, stall_after=3))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Count for me")
    frames: list[dict] = []
    await receive_text(socket, "One two three", frames)

    await send(socket, type="stop")
    frames += await receive_until_end(socket)
    assert frames[-1]["status"] == "stopped"
    assert fake_openai.hangups.wait(2)  # the upstream connection was closed, not left to stall

    answer = (await messages_of(setup.conversation))[-1]
    assert answer.status == Message.Status.STOPPED
    assert answer.content == "One two three"
    assert answer.usage_estimated is True
    assert answer.prompt_tokens > 10  # counted exactly from the prompt we sent
    assert answer.completion_tokens == 3  # estimated from the partial text
    assert frames[-1]["usage"]["estimated"] is True
    await socket.disconnect()


async def test_closing_the_tab_does_not_lose_the_answer(fake_openai):
    fake_openai.script(Reply(tokens=TOKENS, gap=0.05))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Count for me")
    assert (await socket.receive_json_from(timeout=5))["type"] == "start"
    await socket.disconnect()

    async def finished():
        answer = (await messages_of(setup.conversation))[-1]
        return answer if answer.status != Message.Status.STREAMING else None

    answer = await wait_for(finished)
    assert answer.status == Message.Status.COMPLETE
    assert answer.content == "".join(TOKENS)
    assert answer.usage_estimated is False


async def test_reloading_mid_answer_shows_what_arrived_and_the_rest_live(fake_openai):
    fake_openai.script(Reply(tokens=TOKENS, gap=0.08))
    setup = await async_setup()
    first = await connect(setup)
    await send(first, type="message", content="Count for me")
    frames: list[dict] = []
    await receive_text(first, "One two", frames)
    await first.disconnect()

    second = await connect(setup)
    resumed = await receive_until_end(second)
    assert resumed[0]["type"] == "start"
    assert resumed[0]["resumed"] is True
    assert resumed[0]["text"].startswith("One two")
    assert resumed[0]["text"] + text_of(resumed[1:]) == "".join(TOKENS)
    assert resumed[-1]["status"] == "complete"
    await second.disconnect()


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


@pytest.mark.parametrize(
    ("replies", "code", "partial"),
    [
        ([Reply(status=429, retry_after="0"), Reply(status=429, retry_after="0")], "upstream_rate_limited", ""),
        ([Reply(status=401)], "upstream_auth", ""),
        ([Reply(status=500), Reply(status=500)], "upstream_unavailable", ""),
        ([Reply(tokens=TOKENS, error_after=2)], "upstream_error", "One two"),
        ([Reply(tokens=TOKENS, close_after=2)], "upstream_error", "One two"),
        ([Reply(tokens=TOKENS, stall_after=2)], "upstream_timeout", "One two"),
        ([Reply(tokens=TOKENS, junk_after=2)], "upstream_error", "One two"),
        (
            [Reply(tokens=TOKENS, junk_after=2, junk=b'data: {"choices": "not a list"}\n\n')],
            "upstream_error",
            "One two",
        ),
    ],
    ids=["429", "401", "500", "mid-stream-error", "abrupt-close", "stall", "not-json", "wrong-shape"],
)
async def test_upstream_failures_end_in_an_error_and_leave_the_database_consistent(
    fake_openai, settings, replies, code, partial
):
    settings.OPENAI_READ_TIMEOUT_SECONDS = 0.5
    fake_openai.script(*replies)
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Hello?")
    frames = await receive_until_end(socket)
    end = frames[-1]
    assert (end["type"], end["status"], end["error"]["code"]) == ("end", "error", code)
    assert end["error"]["message"]
    assert text_of(frames) == partial

    answer = (await messages_of(setup.conversation))[-1]
    assert (answer.status, answer.error_code, answer.content) == ("error", code, partial)
    assert answer.usage_estimated is True

    # The socket and the conversation still work.
    fake_openai.release.set()
    await send(socket, type="message", content="Again")
    assert (await receive_until_end(socket))[-1]["status"] == "complete"
    await socket.disconnect()


async def test_a_429_before_the_first_token_is_retried(fake_openai):
    fake_openai.script(Reply(status=429, retry_after="0"), Reply(tokens=["Fine"]))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Hello?")
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    assert text_of(frames) == "Fine"
    assert len(fake_openai.requests) == 2
    await socket.disconnect()


async def test_a_generation_left_streaming_by_a_dead_process_is_marked_errored(fake_openai):
    setup = await async_setup()

    @database_sync_to_async
    def orphan():
        message = Message.objects.create(
            conversation=setup.conversation, shop=setup.shop, role="assistant", status="streaming", content="Half"
        )
        Message.objects.filter(pk=message.pk).update(updated_at=timezone.now() - timezone.timedelta(minutes=1))
        return message

    message = await orphan()
    socket = await connect(setup)
    start = await socket.receive_json_from(timeout=5)  # a reloaded page follows the row, text so far first
    assert (start["type"], start["message_id"], start["text"]) == ("start", str(message.uuid), "Half")

    result = await database_sync_to_async(sweep_stale_answers.enqueue)()  # the periodic sweep's run
    assert (result.status, result.return_value) == ("SUCCESSFUL", 1)
    row = await Message.objects.aget(pk=message.pk)
    assert (row.status, row.error_code, row.content) == ("error", "interrupted", "Half")
    end = (await receive_until_end(socket))[-1]
    assert (end["type"], end["status"], end["error"]["code"]) == ("end", "error", "interrupted")
    await socket.disconnect()


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


async def test_the_prompt_sees_the_shop_as_it_is_now_not_as_when_the_socket_opened(fake_openai):
    setup = await async_setup(shop_name="Fresh Cuts")
    socket = await connect(setup)
    await database_sync_to_async(
        lambda: (
            type(setup.shop)
            .objects.filter(pk=setup.shop.pk)
            .update(name="Sharp Lines", notes_for_agents="Walk-ins only on Sundays.")
        )
    )()
    await send(socket, type="message", content="Who are you working for?")
    await receive_until_end(socket)
    system = fake_openai.requests[0]["messages"][0]
    assert system["role"] == "system"
    assert "Shop name: Sharp Lines" in system["content"]
    assert "Walk-ins only on Sundays." in system["content"]
    assert "Fresh Cuts" not in system["content"]
    await socket.disconnect()
