"""The model seam assembles streamed tool calls, through the real ``openai`` SDK against the loopback fake.

What the model sends is untrusted: every malformed or oversized call ends in one ``LLMError``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from chat import llm
from tests.fakes.openai_server import FakeToolCall, Reply

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "find_customer",
            "description": "Look a customer up by name.",
            "parameters": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        },
    }
]
UNREADABLE = "The AI model sent a tool call we could not read."


async def collect(**overrides: Any) -> list[Any]:
    arguments: dict[str, Any] = {
        "messages": [{"role": "user", "content": "Who is Ana?"}],
        "model": "gpt-4o-mini",
        "temperature": 0.2,
        "max_tokens": 200,
        "tools": TOOLS,
        **overrides,
    }
    return [event async for event in llm.stream_chat(**arguments)]


def text_of(events: list[Any]) -> str:
    return "".join(event.text for event in events if isinstance(event, llm.Delta))


async def test_one_call_is_assembled_from_its_fragments(fake_openai):
    arguments = '{"name": "Ana Silva", "include_visits": true}'
    fake_openai.script(Reply(tool_calls=[FakeToolCall("find_customer", arguments)]))
    events = await collect()

    assert [type(event) for event in events] == [llm.ToolCalls, llm.Finish]
    (call,) = events[0].calls
    assert (call.name, call.arguments) == ("find_customer", arguments)
    assert call.id.startswith("call_") and len(call.id) == 29
    finish = events[1]
    assert (finish.finish_reason, finish.model) == ("tool_calls", "gpt-4o-mini-2024-07-18")
    assert finish.usage is not None and finish.usage.completion_tokens > 1


async def test_three_parallel_calls_come_back_in_index_order(fake_openai):
    calls = [
        FakeToolCall("find_customer", '{"name": "Ana"}', id="call_first"),
        FakeToolCall("list_appointments", '{"from": "2026-12-01", "to": "2026-12-07"}'),
        FakeToolCall("shop_hours", "{}"),
    ]
    fake_openai.script(Reply(tool_calls=calls, tool_fragment_chars=3))
    events = await collect()

    assert [type(event) for event in events] == [llm.ToolCalls, llm.Finish]
    got = events[0].calls
    assert [(c.name, c.arguments) for c in got] == [(c.name, c.arguments) for c in calls]
    assert got[0].id == "call_first"
    assert len({c.id for c in got}) == 3


async def test_text_and_a_call_in_one_answer(fake_openai):
    fake_openai.script(
        Reply(tokens=["Let me", " look", " that up."], tool_calls=[FakeToolCall("find_customer", '{"name":"Bo"}')])
    )
    events = await collect()

    assert text_of(events) == "Let me look that up."
    assert [type(event) for event in events[-2:]] == [llm.ToolCalls, llm.Finish]
    assert events[-2].calls[0].arguments == '{"name":"Bo"}'


async def test_interleaved_fragments_and_whole_calls_are_assembled_by_index(fake_openai):
    fake_openai.script(
        Reply(
            raw_events=[
                {"tool_calls": [{"index": 1, "id": "call_b", "type": "function", "function": {"name": "b"}}]},
                {"tool_calls": [{"index": 0, "id": "call_a", "type": "function", "function": {"name": "a"}}]},
                {"tool_calls": [{"index": 1, "function": {"arguments": '{"x"'}}]},
                {"content": "Checking."},
                {
                    "tool_calls": [
                        {"index": 0, "function": {"arguments": "{}"}},
                        {"index": 1, "function": {"arguments": ": 1}"}},
                    ]
                },
                # A server that sends a whole call at once, without an id, and repeats fields.
                {"tool_calls": [{"index": 2, "function": {"name": "c", "arguments": '{"y": 2}'}}]},
                {"tool_calls": [{"index": 2, "id": None, "type": None, "function": {"name": "c", "arguments": None}}]},
            ]
        )
    )
    events = await collect()

    assert text_of(events) == "Checking."
    assert events[-2].calls == (
        llm.ToolCall(id="call_a", name="a", arguments="{}"),
        llm.ToolCall(id="call_b", name="b", arguments='{"x": 1}'),
        llm.ToolCall(id="call_2", name="c", arguments='{"y": 2}'),
    )
    assert events[-1].finish_reason == "stop"  # whatever the server said


async def test_the_finish_reason_is_what_the_server_said(fake_openai):
    fake_openai.script(Reply(tool_calls=[FakeToolCall("shop_hours", "{}")], finish_reason="stop"))
    events = await collect()
    assert isinstance(events[-2], llm.ToolCalls)
    assert events[-1].finish_reason == "stop"


async def test_the_pieces_are_cleaned(fake_openai):
    fake_openai.script(Reply(tool_calls=[FakeToolCall("find_\x00customer", '{"name": "A\x00na \ud800"}', id="c\x001")]))
    events = await collect()
    (call,) = events[-2].calls
    assert (call.id, call.name, call.arguments) == ("c1", "find_customer", '{"name": "Ana \ufffd"}')


async def test_tools_and_tool_turns_reach_the_server_as_sent(fake_openai):
    messages = [
        {"role": "system", "content": "You are Avery."},
        {"role": "user", "content": "Who is Ana?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "find_customer", "arguments": '{"name":"Ana"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"visits": 12}'},
    ]
    fake_openai.script(Reply(tokens=["Ana", " has", " 12 visits."]))
    events = await collect(messages=messages)

    assert text_of(events) == "Ana has 12 visits."
    assert not any(isinstance(event, llm.ToolCalls) for event in events)
    (body,) = fake_openai.requests
    assert body["tools"] == TOOLS
    assert body["messages"] == messages
    assert "parallel_tool_calls" not in body


@pytest.mark.parametrize("tools", [None, []], ids=["none", "empty"])
async def test_without_tools_the_body_has_no_tools_key(fake_openai, tools):
    fake_openai.script(Reply(tokens=["Plain", " answer."]))
    events = await collect(tools=tools)
    assert text_of(events) == "Plain answer."
    assert [type(event) for event in events[-1:]] == [llm.Finish]
    assert "tools" not in fake_openai.requests[0]


async def test_without_tools_stray_tool_call_fragments_are_ignored_as_before(fake_openai):
    fake_openai.script(Reply(raw_events=[{"content": "Hi."}, {"tool_calls": "not even a list"}]))
    events = await collect(tools=None)
    assert [type(event) for event in events] == [llm.Delta, llm.Finish]
    assert text_of(events) == "Hi."


async def test_demo_mode_ignores_tools(demo_mode):
    events = await collect(demo_text="A demo answer.")
    assert text_of(events) == "A demo answer."
    assert not any(isinstance(event, llm.ToolCalls) for event in events)
    assert (events[-1].finish_reason, events[-1].model) == ("stop", llm.DEMO_MODEL)


async def test_the_bounds_can_be_reached(fake_openai):
    calls = [FakeToolCall(f"tool_{n}", "{}") for n in range(llm.MAX_TOOL_CALLS - 1)]
    longest = json.dumps({"note": "x" * (llm.MAX_TOOL_ARGUMENT_CHARS - 12)})
    assert len(longest) == llm.MAX_TOOL_ARGUMENT_CHARS
    calls.append(FakeToolCall("n" * llm.MAX_TOOL_NAME_CHARS, longest))
    fake_openai.script(Reply(tool_calls=calls, tool_fragment_chars=4000))
    events = await collect()
    got = events[-2].calls
    assert len(got) == llm.MAX_TOOL_CALLS
    assert got[-1].arguments == longest


def _call(index: int = 0, **fields: Any) -> dict[str, Any]:
    return {"tool_calls": [{"index": index, "id": f"call_{index}x", "type": "function", **fields}]}


BAD_REPLIES = {
    "no-name": Reply(raw_events=[_call(function={"arguments": "{}"})]),
    "empty-name": Reply(raw_events=[_call(function={"name": "", "arguments": "{}"})]),
    "tool-calls-not-a-list": Reply(raw_events=[{"tool_calls": {"index": 0}}]),
    "fragment-not-an-object": Reply(raw_events=[{"tool_calls": ["find_customer"]}]),
    "no-index": Reply(raw_events=[{"tool_calls": [{"id": "c", "function": {"name": "a", "arguments": ""}}]}]),
    "index-a-string": Reply(raw_events=[_call(index="0", function={"name": "a"})]),  # type: ignore[arg-type]
    "index-a-bool": Reply(raw_events=[_call(index=True, function={"name": "a"})]),
    "negative-index": Reply(raw_events=[_call(index=-1, function={"name": "a"})]),
    "not-a-function": Reply(raw_events=[{"tool_calls": [{"index": 0, "type": "code", "function": {"name": "a"}}]}]),
    "function-a-string": Reply(raw_events=[_call(function="find_customer")]),
    "name-not-a-string": Reply(raw_events=[_call(function={"name": ["a"], "arguments": ""})]),
    "arguments-an-object": Reply(raw_events=[_call(function={"name": "a", "arguments": {"name": "Ana"}})]),
    "id-a-number": Reply(raw_events=[{"tool_calls": [{"index": 0, "id": 7, "function": {"name": "a"}}]}]),
    "renamed": Reply(raw_events=[_call(function={"name": "a"}), _call(function={"name": "b"})]),
    "same-id-twice": Reply(
        raw_events=[
            {"tool_calls": [{"index": 0, "id": "call_1", "function": {"name": "a", "arguments": "{}"}}]},
            {"tool_calls": [{"index": 1, "id": "call_1", "function": {"name": "b", "arguments": "{}"}}]},
        ]
    ),
    "too-many-calls": Reply(tool_calls=[FakeToolCall(f"t{n}", "{}") for n in range(llm.MAX_TOOL_CALLS + 1)]),
    "arguments-too-long": Reply(
        tool_calls=[FakeToolCall("a", "x" * (llm.MAX_TOOL_ARGUMENT_CHARS + 1))], tool_fragment_chars=4000
    ),
    "name-too-long": Reply(tool_calls=[FakeToolCall("n" * (llm.MAX_TOOL_NAME_CHARS + 1), "{}")]),
    "id-too-long": Reply(tool_calls=[FakeToolCall("a", "{}", id="call_" + "x" * 200)]),
}


@pytest.mark.parametrize("reply", BAD_REPLIES.values(), ids=BAD_REPLIES.keys())
async def test_an_unreadable_tool_call_is_an_upstream_error(fake_openai, reply):
    fake_openai.script(reply, Reply(tokens=["Still", " fine."]))
    with pytest.raises(llm.LLMError) as caught:
        await collect()
    assert (caught.value.code, caught.value.message) == ("upstream_error", UNREADABLE)

    # The seam (and the connection pool behind it) still works for the next answer.
    assert text_of(await collect()) == "Still fine."


async def test_a_tool_call_cut_off_part_way_is_an_error_not_a_call(fake_openai):
    fake_openai.script(Reply(tool_calls=[FakeToolCall("find_customer", '{"name": "Ana"}')], close_after=2))
    seen: list[Any] = []
    with pytest.raises(llm.LLMError) as caught:
        async for event in llm.stream_chat(
            messages=[{"role": "user", "content": "Hi"}], model="m", temperature=0, max_tokens=10, tools=TOOLS
        ):
            seen.append(event)
    assert (caught.value.code, caught.value.message) == ("upstream_error", llm.CUT_OFF)
    assert seen == []
