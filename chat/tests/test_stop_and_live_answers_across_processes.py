"""Two server processes on one PostgreSQL and Redis: a `stop` sent to one stops the generation running
in the other, and a socket on one sees the live rest of an answer started on the other.

Real uvicorn processes on loopback, the real SDK against the loopback fake; skips on the embedded
defaults (SQLite in memory, in-memory channel layer), like
agents/tests/test_status_changes_across_processes.py.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from chat.models import Message
from chat.tests.support import async_setup, messages_of, wait_for
from tests.fakes.openai_server import Reply
from tests.servers import chat_socket, frames_until_end, next_frame, requires_shared_stack, running_servers

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), requires_shared_stack]

WORDS = [f" word{n}" for n in range(40)]


@pytest.fixture
def two_servers(fake):
    env = {"OPENAI_API_KEY": "sk-test-fake-key-0000", "OPENAI_BASE_URL": fake.base_url, "OPENAI_MAX_RETRIES": "0"}
    with running_servers(2, command="uvicorn", env=env) as ports:
        yield ports


async def test_a_stop_sent_to_one_process_stops_the_generation_running_in_the_other(fake, two_servers):
    port_a, port_b = two_servers
    fake.script(Reply(tokens=WORDS, gap=0.1))
    setup = await async_setup()

    async with chat_socket(port_a, setup) as on_a:
        await on_a.send(json.dumps({"type": "message", "content": "Plan my week"}))
        start = await next_frame(on_a)
        assert start["type"] == "start"
        assert (await next_frame(on_a))["type"] == "delta"  # it is being written on A

        async with chat_socket(port_b, setup) as on_b:
            resumed = await next_frame(on_b)
            assert resumed["type"] == "start"
            assert resumed["resumed"] is True
            await on_b.send(json.dumps({"type": "stop"}))
            end_on_b = (await frames_until_end(on_b))[-1]

        end_on_a = (await frames_until_end(on_a))[-1]

    assert end_on_a["type"] == "end"
    assert end_on_a["status"] == "stopped"
    assert end_on_b["status"] == "stopped"
    _question, answer = await messages_of(setup.conversation)
    assert answer.status == Message.Status.STOPPED
    assert 0 < len(answer.content) < len("".join(WORDS))  # the partial answer is kept
    assert answer.usage_estimated is True
    await asyncio.wait_for(asyncio.to_thread(fake.hangups.wait), 5)  # the upstream request was cancelled


async def test_a_socket_on_one_process_sees_the_live_rest_of_an_answer_started_on_the_other(fake, two_servers):
    port_a, port_b = two_servers
    fake.script(Reply(tokens=WORDS, gap=0.08))
    setup = await async_setup()

    async with chat_socket(port_a, setup) as on_a:
        await on_a.send(json.dumps({"type": "message", "content": "How do I grow my shop?"}))
        assert (await next_frame(on_a))["type"] == "start"

        async def partial_text_saved():
            messages = await messages_of(setup.conversation)
            return len(messages) == 2 and messages[1].content

        # Past the first save of partial text (the heartbeat, every second), however busy the machine.
        await wait_for(partial_text_saved, timeout=5)

        async with chat_socket(port_b, setup) as on_b:
            frames_b = await frames_until_end(on_b)
        frames_a = await frames_until_end(on_a)

    resumed, *rest, end_b = frames_b
    assert resumed["type"] == "start"
    assert resumed["resumed"] is True
    assert resumed["text"]  # what had arrived when B connected
    assert any(f["type"] == "delta" for f in rest)  # and the rest, live
    full = "".join(WORDS)
    assert resumed["text"] + "".join(f["text"] for f in rest if f["type"] == "delta") == full
    assert end_b["type"] == "end"
    assert end_b["status"] == "complete"
    assert frames_a[-1]["status"] == "complete"
    # The follower in the other process gets the shop's count too (the page shows it, never sums).
    assert end_b["quota"] == frames_a[-1]["quota"] == {"monthly_chats": 100, "chats_used": 1, "chats_remaining": 99}
    _question, answer = await messages_of(setup.conversation)
    assert (answer.status, answer.content) == (Message.Status.COMPLETE, full)
