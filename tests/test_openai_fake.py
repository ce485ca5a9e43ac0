"""The fake OpenAI server speaks the recorded wire format byte for byte."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAI, FakeToolCall, Reply

RECORDED = Path(__file__).parent / "fixtures" / "openai" / "chat_stream_with_usage.sse"


def test_the_fake_serves_the_recorded_stream_byte_for_byte():
    recorded = RECORDED.read_bytes()
    chunks = [
        json.loads(event[len(b"data: ") :]) for event in recorded.split(b"\n\n") if event and b"[DONE]" not in event
    ]
    first = chunks[0]
    tokens = [c["choices"][0]["delta"]["content"] for c in chunks[1:-2]]
    reply = Reply(
        tokens=tokens,
        model=first["model"],
        id=first["id"],
        created=first["created"],
        system_fingerprint=first["system_fingerprint"],
        prompt_tokens=chunks[-1]["usage"]["prompt_tokens"],
    )
    assert chunks[-1]["usage"]["completion_tokens"] == len(tokens)

    server = FakeOpenAI().start()
    server.script(reply)
    try:
        request = urllib.request.Request(
            server.base_url + "/chat/completions",
            data=json.dumps({"model": "gpt-4o", "stream": True, "stream_options": {"include_usage": True}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            body = response.read()
    finally:
        server.stop()
    assert body == recorded


def _post(server: FakeOpenAI, body: dict) -> bytes:
    request = urllib.request.Request(
        server.base_url + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read()


def test_a_tool_call_reply_has_openais_streamed_shape():
    """As in OpenAI's recorded two-call stream (the openai SDK's tests): role chunk with null content,
    per call a first fragment with id, type, name and empty arguments, then argument pieces, then
    ``finish_reason: "tool_calls"``, usage and [DONE]; the request body is recorded as sent."""
    reply = Reply(
        tool_calls=[FakeToolCall("find_customer", '{"name":"Ana"}', id="call_abc"), FakeToolCall("shop_hours", "{}")],
        tool_fragment_chars=5,
    )
    server = FakeOpenAI().start()
    server.script(reply)
    tools = [{"type": "function", "function": {"name": "find_customer", "parameters": {"type": "object"}}}]
    try:
        body = _post(server, {"model": "m", "stream": True, "tools": tools, "stream_options": {"include_usage": True}})
    finally:
        server.stop()
    assert server.requests[0]["tools"] == tools

    events = [event for event in body.split(b"\n\n") if event]
    assert events[-1] == b"data: [DONE]"
    chunks = [json.loads(event[len(b"data: ") :]) for event in events[:-1]]
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks[:-2]]
    fake_id = deltas[5]["tool_calls"][0]["id"]
    assert fake_id.startswith("call_") and len(fake_id) == 29  # as OpenAI's: "call_" and 24 characters
    assert deltas[0] == {"role": "assistant", "content": None}
    assert deltas[1:] == [
        {
            "tool_calls": [
                {
                    "index": 0,
                    "id": "call_abc",
                    "type": "function",
                    "function": {"name": "find_customer", "arguments": ""},
                }
            ]
        },
        {"tool_calls": [{"index": 0, "function": {"arguments": '{"nam'}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": 'e":"A'}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": 'na"}'}}]},
        {
            "tool_calls": [
                {"index": 1, "id": fake_id, "type": "function", "function": {"name": "shop_hours", "arguments": ""}}
            ]
        },
        {"tool_calls": [{"index": 1, "function": {"arguments": "{}"}}]},
    ]
    finish, usage = chunks[-2], chunks[-1]
    assert (finish["choices"][0]["delta"], finish["choices"][0]["finish_reason"]) == ({}, "tool_calls")
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] == 6


def test_the_bench_tool_round_mode_calls_once_and_times_the_servers_round():
    """bench/chat_overhead.py --tools: a request offering the tool gets one call of it (a fresh id),
    the request bringing its result back gets the plain answer, and the time in between is kept
    by call id until read from /v1/bench/tool-rounds (which clears it); no tools offered, no call."""
    server = FakeOpenAI(record=False)
    server.default = Reply(tokens=["Done", "."])
    server.tool_round = FakeToolCall("services_and_prices", "{}")
    server.start()
    tools = [{"type": "function", "function": {"name": "services_and_prices", "parameters": {"type": "object"}}}]
    ask = [{"role": "user", "content": "Prices?"}]
    try:
        first = _post(server, {"model": "m", "stream": True, "tools": tools, "messages": ask})
        chunks = [json.loads(e[len(b"data: ") :]) for e in first.split(b"\n\n") if e and e != b"data: [DONE]"]
        call = chunks[1]["choices"][0]["delta"]["tool_calls"][0]
        assert call["function"]["name"] == "services_and_prices" and call["id"].startswith("call_")
        assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
        turn = {"role": "assistant", "content": None, "tool_calls": [{**call, "function": {**call["function"]}}]}
        back = [*ask, turn, {"role": "tool", "tool_call_id": call["id"], "content": "{}"}]
        second = _post(server, {"model": "m", "stream": True, "tools": tools, "messages": back})
        assert b'"content":"Done"' in second and b"tool_calls" not in second
        plain = _post(server, {"model": "m", "stream": True, "messages": ask})
        assert b"tool_calls" not in plain

        def rounds() -> dict:
            with urllib.request.urlopen(f"{server.base_url}/bench/tool-rounds", timeout=5) as response:
                return json.loads(response.read())["rounds"]

        timed = rounds()
        assert list(timed) == [call["id"]] and 0 <= timed[call["id"]] < 5000
        assert rounds() == {}
    finally:
        server.stop()
