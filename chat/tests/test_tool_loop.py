"""Tool rounds in an answer (issue 18): the model calls tools through the registered toolbox, reads
their results and goes on; `tool` and `proposal` frames reach the socket in their place among the
deltas. The real SDK against the loopback fake, scripted tool calls, the test toolbox (toolbox_fake)."""

from __future__ import annotations

import asyncio
import json
import logging
import math

import pytest
from channels.db import database_sync_to_async

from chat.models import Message
from chat.tests.support import TOKENS, async_setup, connect, messages_of, receive_until_end, send, text_of
from chat.tests.test_chat_through_the_api import api_client, read_events
from chat.tool_rounds import TOOL_FAILED
from tests.fakes.openai_server import FakeToolCall, Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def kinds(frames: list[dict]) -> list[str]:
    """The frames' types, with runs of deltas folded into one "delta"."""
    folded: list[str] = []
    for frame in frames:
        kind = frame["type"] if frame["type"] != "tool" else f"tool:{frame['status']}"
        if not (kind == "delta" and folded and folded[-1] == "delta"):
            folded.append(kind)
    return folded


async def test_a_read_round_then_the_answer_in_words(fake_openai, toolbox):
    fake_openai.script(
        Reply(tool_calls=[FakeToolCall("find_slots", '{"day": "thursday"}')], prompt_tokens=100),
        Reply(tokens=["You", " have", " 3", " free", " slots."], prompt_tokens=200),
    )
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Any gaps on Thursday?")
    frames = await receive_until_end(socket)

    assert kinds(frames) == ["start", "tool:running", "tool:done", "delta", "end"]
    message_id = frames[0]["message_id"]
    running, done = frames[1], frames[2]
    assert running == {
        "type": "tool",
        "message_id": message_id,
        "name": "find_slots",
        "status": "running",
        "summary": "",
    }
    assert done == {
        "type": "tool",
        "message_id": message_id,
        "name": "find_slots",
        "status": "done",
        "summary": "3 free slots",
    }
    assert text_of(frames) == "You have 3 free slots."
    end = frames[-1]
    assert end["status"] == "complete"
    assert "proposals" not in end  # none made
    # Usage summed over both rounds: 100 + 200 prompt tokens; the completion counts of both.
    call_events = 1 + math.ceil(len('{"day": "thursday"}') / 6)  # the call's first fragment, then 6-char pieces
    assert end["usage"]["prompt_tokens"] == 300
    assert end["usage"]["completion_tokens"] == call_events + 5
    assert end["usage"]["estimated"] is False

    _question, answer = await messages_of(setup.conversation)
    assert answer.content == "You have 3 free slots."
    assert (answer.status, answer.finish_reason) == (Message.Status.COMPLETE, "stop")
    assert (answer.prompt_tokens, answer.usage_estimated) == (300, False)
    assert answer.time_to_first_token_ms is not None  # the first text, in the second round

    # The toolbox ran the call as the model sent it, for this answer and person.
    [call] = toolbox.calls
    assert call["name"] == "find_slots"
    assert call["arguments"] == '{"day": "thursday"}'
    assert (call["user_id"], call["shop_id"], call["round"]) == (setup.user.pk, setup.shop.pk, 1)
    assert (call["message_id"], call["conversation_id"]) == (answer.pk, setup.conversation.pk)
    assert toolbox.specs_asked == [{"shop": setup.shop.pk, "agent": "business_coach", "user": setup.user.pk}]

    # The model was asked again with its call and the tool's result.
    first, second = fake_openai.requests
    assert [tool["function"]["name"] for tool in first["tools"]] == list(toolbox.tools)
    assert second["tools"] == first["tools"]
    assistant, tool_turn = second["messages"][-2:]
    assert second["messages"][:-2] == first["messages"]
    assert assistant["role"] == "assistant"
    assert assistant["content"] == ""  # not None: llama.cpp's server refuses a null content
    [sent_call] = assistant["tool_calls"]
    assert sent_call["type"] == "function"
    assert sent_call["function"] == {"name": "find_slots", "arguments": '{"day": "thursday"}'}
    assert tool_turn["role"] == "tool"
    assert tool_turn["tool_call_id"] == sent_call["id"]
    assert json.loads(tool_turn["content"])["slots"] == ["10:00", "11:30", "15:00"]
    await socket.disconnect()


async def test_parallel_calls_run_in_order_and_the_round_text_goes_back_with_them(fake_openai, toolbox):
    fake_openai.script(
        Reply(
            tokens=["Let", " me", " check."],
            tool_calls=[FakeToolCall("find_slots", '{"day": "friday"}'), FakeToolCall("broken", "{}")],
        ),
        Reply(tokens=["Friday", " has", " room."]),
    )
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="And Friday?")
    frames = await receive_until_end(socket)

    assert kinds(frames) == [
        "start",
        "delta",
        "tool:running",
        "tool:done",
        "tool:running",
        "tool:error",
        "delta",
        "end",
    ]
    tool_frames = [f for f in frames if f["type"] == "tool"]
    assert [f["name"] for f in tool_frames] == ["find_slots", "find_slots", "broken", "broken"]
    assert tool_frames[-1]["summary"] == "day is required"
    # The rounds' texts are separate paragraphs; all of it is shown and saved.
    assert text_of(frames) == "Let me check.\n\nFriday has room."
    assert (await messages_of(setup.conversation))[-1].content == "Let me check.\n\nFriday has room."

    assert [c["name"] for c in toolbox.calls] == ["find_slots", "broken"]
    second = fake_openai.requests[1]
    assistant, first_result, second_result = second["messages"][-3:]
    assert assistant["content"] == "Let me check."
    assert [c["function"]["name"] for c in assistant["tool_calls"]] == ["find_slots", "broken"]
    assert [first_result["tool_call_id"], second_result["tool_call_id"]] == [c["id"] for c in assistant["tool_calls"]]
    assert json.loads(second_result["content"])["error"]["code"] == "invalid_arguments"  # the model reads the error
    await socket.disconnect()


async def test_a_toolbox_that_raises_is_logged_once_and_the_answer_goes_on(fake_openai, toolbox, caplog):
    fake_openai.script(
        Reply(tool_calls=[FakeToolCall("explode", "{}")]),
        Reply(tokens=["Sorry,", " that", " failed."]),
    )
    setup = await async_setup()
    socket = await connect(setup)
    with caplog.at_level(logging.ERROR, logger="chat.tool_rounds"):
        await send(socket, type="message", content="Try it")
        frames = await receive_until_end(socket)

    assert kinds(frames) == ["start", "tool:running", "tool:error", "delta", "end"]
    assert frames[2]["summary"] == TOOL_FAILED
    assert frames[-1]["status"] == "complete"
    assert len([r for r in caplog.records if "explode" in r.getMessage()]) == 1
    tool_turn = fake_openai.requests[1]["messages"][-1]
    assert json.loads(tool_turn["content"]) == {"error": {"code": "tool_failed", "message": TOOL_FAILED}}
    await socket.disconnect()


async def test_a_model_that_keeps_calling_tools_is_asked_without_them_and_the_answer_says_so(
    fake_openai, toolbox, settings
):
    settings.CHAT_TOOL_MAX_ROUNDS = 2
    looping = [FakeToolCall("find_slots", '{"day": "monday"}')]
    fake_openai.script(
        Reply(tool_calls=looping),
        Reply(tool_calls=looping),
        Reply(tokens=["Mondays", " are", " full."], tool_calls=looping),
    )
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Find me a Monday")
    frames = await receive_until_end(socket)

    assert len(fake_openai.requests) == 3
    assert "tools" in fake_openai.requests[0] and "tools" in fake_openai.requests[1]
    assert "tools" not in fake_openai.requests[2]  # the last round: words only
    assert [c["round"] for c in toolbox.calls] == [1, 2]  # the third round's call never ran
    expected = "Mondays are full.\n\n(The agent stopped after 2 tool rounds.)"
    assert text_of(frames) == expected
    assert frames[-1]["status"] == "complete"
    answer = (await messages_of(setup.conversation))[-1]
    assert answer.content == expected
    assert answer.finish_reason == "tool_calls"
    await socket.disconnect()


async def test_a_round_without_usage_makes_the_whole_answer_counted(fake_openai, toolbox):
    fake_openai.script(
        Reply(tool_calls=[FakeToolCall("find_slots", "{}")], prompt_tokens=100), Reply(tokens=["Done."], usage=False)
    )
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Check")
    end = (await receive_until_end(socket))[-1]
    assert end["status"] == "complete"
    assert end["usage"]["estimated"] is True
    assert end["usage"]["prompt_tokens"] != 100  # counted from our prompt, not one round's figure
    await socket.disconnect()


async def test_stop_during_a_tool_round_ends_the_answer_with_its_text_and_drops_the_result(fake_openai, toolbox):
    fake_openai.script(Reply(tokens=["Looking", " now."], tool_calls=[FakeToolCall("slow", "{}")]))
    setup = await async_setup()
    socket = await connect(setup)
    try:
        await send(socket, type="message", content="Look it up")
        frames = []
        while not any(f["type"] == "tool" for f in frames):
            frames.append(await socket.receive_json_from(timeout=5))
        assert await asyncio.to_thread(toolbox.slow_started.wait, 5)

        await send(socket, type="stop")
        frames += await receive_until_end(socket)
        assert frames[-1]["type"] == "end"
        assert frames[-1]["status"] == "stopped"
        assert text_of(frames) == "Looking now."
        answer = (await messages_of(setup.conversation))[-1]
        assert (answer.status, answer.content) == (Message.Status.STOPPED, "Looking now.")
        assert answer.usage_estimated is True
    finally:
        toolbox.slow_release.set()
    assert await asyncio.to_thread(toolbox.slow_finished.wait, 5)  # the tool's thread finished...
    await asyncio.sleep(0.2)
    assert len(fake_openai.requests) == 1  # ...and its result went nowhere: the model was not asked again
    await socket.disconnect()


async def test_a_reloaded_page_gets_the_tool_and_proposal_frames_then_the_rest_live(fake_openai, toolbox):
    fake_openai.script(
        Reply(tool_calls=[FakeToolCall("find_slots", "{}"), FakeToolCall("book", '{"day": "thursday"}')]),
        Reply(tokens=TOKENS, gap=0.1),
    )
    setup = await async_setup()
    first = await connect(setup)
    await send(first, type="message", content="Book Sam on Thursday")
    live = []
    while "One two" not in text_of(live):
        live.append(await first.receive_json_from(timeout=5))
    await first.disconnect()

    assert kinds(live)[:6] == ["start", "tool:running", "tool:done", "tool:running", "tool:done", "proposal"]
    proposal = live[5]
    [stored] = toolbox.proposals.values()
    assert proposal == {
        "type": "proposal",
        "message_id": live[0]["message_id"],
        "id": stored["id"],
        "summary": "Book Sam for a fade on Thursday at 10:00",
        "details": {"customer": "Sam", "start": "10:00"},
        "expires_at": "2030-01-01T00:00:00+00:00",
        "status": "pending",
    }

    second = await connect(setup)
    resumed = await receive_until_end(second)
    assert resumed[0]["type"] == "start"
    assert resumed[0]["resumed"] is True
    assert resumed[1:6] == live[1:6]  # every event so far, right after start
    assert resumed[0]["text"] + text_of(resumed[6:]) == "".join(TOKENS)
    end = resumed[-1]
    assert end["status"] == "complete"
    assert end["proposals"] == [proposal]
    await second.disconnect()


async def test_an_answer_followed_from_its_row_ends_with_its_proposals_from_the_toolbox(toolbox):
    """A generation running in another process: the socket follows the saved row (follow_stored)."""
    setup = await async_setup()

    def streaming_row() -> Message:
        return Message.objects.create(
            conversation=setup.conversation, shop=setup.shop, role="assistant", status="streaming", content="Booking"
        )

    row = await database_sync_to_async(streaming_row)()
    toolbox.proposals["p1"] = {
        "id": "p1", "summary": "Book Sam", "details": {}, "expires_at": "2030-01-01T00:00:00+00:00",
        "status": "pending", "result": None, "message_id": str(row.uuid), "_message_pk": row.pk, "_conversation_id": 0,
    }  # fmt: skip
    socket = await connect(setup)
    start = await socket.receive_json_from(timeout=5)
    assert (start["type"], start["resumed"], start["text"]) == ("start", True, "Booking")
    await database_sync_to_async(Message.objects.filter(pk=row.pk).update)(status="complete", content="Booking done.")
    frames = await receive_until_end(socket)
    end = frames[-1]
    assert end["status"] == "complete"
    assert end["proposals"] == [
        {
            "type": "proposal", "id": "p1", "summary": "Book Sam", "details": {},
            "expires_at": "2030-01-01T00:00:00+00:00", "status": "pending", "result": None, "message_id": str(row.uuid),
        }
    ]  # fmt: skip
    await socket.disconnect()


async def test_without_a_toolbox_the_model_is_offered_no_tools(fake_openai, no_toolbox):
    fake_openai.script(Reply(tokens=["Plain", " answer."]))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Hello")
    frames = await receive_until_end(socket)
    assert kinds(frames) == ["start", "delta", "end"]
    assert frames[-1]["status"] == "complete"
    assert "proposals" not in frames[-1]
    [request] = fake_openai.requests
    assert "tools" not in request
    await socket.disconnect()


async def test_a_toolbox_that_offers_nothing_leaves_the_request_as_it_was(fake_openai, toolbox):
    toolbox.tools = ()  # the flag off, or an agent without tools
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Hello")
    frames = await receive_until_end(socket)
    assert text_of(frames) == "Hello there, barber!"
    assert "tools" not in fake_openai.requests[0]
    assert len(toolbox.specs_asked) == 1
    await socket.disconnect()


async def test_demo_answers_ask_the_toolbox_nothing(demo_mode, settings, toolbox):
    settings.CHAT_DEMO_WORD_DELAY_MS = 0
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="How do I fill Tuesdays?")
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    assert frames[-1]["demo"] is True
    assert toolbox.specs_asked == [] and toolbox.calls == []
    await socket.disconnect()


async def test_the_event_stream_relays_the_same_tool_and_proposal_frames(fake_openai, toolbox):
    fake_openai.script(
        Reply(tool_calls=[FakeToolCall("find_slots", "{}"), FakeToolCall("book", "{}")]),
        Reply(tokens=["Approve", " it."]),
    )
    setup = await async_setup()
    client = await api_client(setup)
    response = await client.post("/api/v1/chat/", {"conversation": str(setup.conversation.uuid), "message": "Book"})
    assert response.status_code == 200
    events = await read_events(response)
    assert kinds(events) == [
        "start",
        "tool:running",
        "tool:done",
        "tool:running",
        "tool:done",
        "proposal",
        "delta",
        "end",
    ]
    assert events[-1]["proposals"] == [events[5]]
    assert events[5]["summary"] == "Book Sam for a fade on Thursday at 10:00"
