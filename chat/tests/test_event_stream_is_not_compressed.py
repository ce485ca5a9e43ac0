"""The SSE answer is never gzipped: each event must reach the client the moment it is sent."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.test import AsyncClient
from rest_framework.authtoken.models import Token

from chat.tests.support import async_setup
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_the_event_stream_is_sent_uncompressed_event_by_event(fake_openai):
    fake_openai.script(Reply(tokens=["Fill", " Tuesdays", " first."], gap=0.02))
    setup = await async_setup()
    token = await database_sync_to_async(Token.objects.create)(user=setup.user)
    response = await AsyncClient().post(
        "/api/v1/chat/",
        {"agent": "business_coach", "message": "Slow days?"},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}", "Accept-Encoding": "gzip"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert not response.has_header("Content-Encoding")
    chunks = [chunk async for chunk in response.streaming_content]
    # One event per chunk, readable as it arrives (a compressor would hand over opaque bytes).
    events = [json.loads(chunk.removeprefix(b"data: ")) for chunk in chunks]
    assert events[0]["type"] == "start" and events[-1]["type"] == "end"
    assert "".join(e["text"] for e in events if e["type"] == "delta") == "Fill Tuesdays first."
