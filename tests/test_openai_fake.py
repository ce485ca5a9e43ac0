"""The fake OpenAI server speaks the recorded wire format byte for byte."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAI, Reply

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
