"""`/api/v1/chat/` (server-sent events), conversations and usage, for API clients."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.test import AsyncClient
from rest_framework.authtoken.models import Token

from billing.models import Plan
from chat.models import Conversation
from chat.tests.support import async_setup, messages_of
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class TokenClient:
    """An API client authenticated with a DRF token (no session, so no CSRF)."""

    def __init__(self, key: str) -> None:
        self.client, self.headers = AsyncClient(), {"Authorization": f"Token {key}"}

    async def get(self, path: str):
        return await self.client.get(path, headers=self.headers)

    async def post(self, path: str, data: dict, content_type: str = "application/json"):
        return await self.client.post(path, data, content_type=content_type, headers=self.headers)


async def api_client(setup) -> TokenClient:
    token = await database_sync_to_async(Token.objects.create)(user=setup.user)
    return TokenClient(token.key)


async def read_events(response) -> list[dict]:
    body = b"".join([chunk async for chunk in response.streaming_content])
    assert body.endswith(b"\n\n")
    return [json.loads(line[len(b"data: ") :]) for line in body.split(b"\n\n") if line]


async def test_the_answer_streams_as_server_sent_events_and_is_saved(fake_openai):
    fake_openai.script(Reply(tokens=["Book", " more", " Saturdays", "."], gap=0.06))
    setup = await async_setup()
    client = await api_client(setup)
    response = await client.post(
        "/api/v1/chat/",
        {"agent": "business_coach", "message": "How do I fill Saturdays?"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/event-stream"
    events = await read_events(response)
    assert events[0]["type"] == "start"
    assert "".join(e["text"] for e in events if e["type"] == "delta") == "Book more Saturdays."
    assert events[-1]["type"] == "end"
    assert events[-1]["status"] == "complete"
    assert events[-1]["usage"]["completion_tokens"] == 4
    assert events[-1]["quota"] == {"monthly_chats": 100, "chats_used": 1, "chats_remaining": 99}

    conversation = await Conversation.objects.aget(uuid=events[0]["conversation"])
    assert [m.content for m in await messages_of(conversation)] == ["How do I fill Saturdays?", "Book more Saturdays."]

    # Continue the same conversation; then read it back through the API.
    again = await client.post(
        "/api/v1/chat/",
        {"conversation": str(conversation.uuid), "message": "And Sundays?"},
        content_type="application/json",
    )
    assert (await read_events(again))[-1]["status"] == "complete"
    assert fake_openai.requests[1]["messages"][-3:] == [
        {"role": "user", "content": "How do I fill Saturdays?"},
        {"role": "assistant", "content": "Book more Saturdays."},
        {"role": "user", "content": "And Sundays?"},
    ]
    listing = await client.get("/api/v1/conversations/")
    assert [c["id"] for c in listing.json()] == [str(conversation.uuid), str(setup.conversation.uuid)]
    assert listing.json()[0]["title"] == "How do I fill Saturdays?"  # titled by its first question
    detail = (await client.get(f"/api/v1/conversations/{conversation.uuid}/")).json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "user", "assistant"]
    usage = (await client.get("/api/v1/usage/")).json()
    assert (usage["plan"], usage["monthly_chats"], usage["chats_used"], usage["chats_remaining"]) == (
        "Free",
        100,
        2,
        98,
    )


async def test_refusals_are_http_errors_and_save_nothing(fake_openai):
    await database_sync_to_async(Plan.objects.filter(slug=Plan.FREE).update)(monthly_chats=0)
    setup = await async_setup()
    client = await api_client(setup)
    quota = await client.post(
        "/api/v1/chat/", {"agent": "business_coach", "message": "Hi"}, content_type="application/json"
    )
    assert quota.status_code == 402
    assert quota.json()["code"] == "quota_exceeded"
    empty = await client.post(
        "/api/v1/chat/", {"agent": "business_coach", "message": " "}, content_type="application/json"
    )
    assert empty.status_code == 400
    unknown = await client.post("/api/v1/chat/", {"agent": "nobody", "message": "Hi"}, content_type="application/json")
    assert unknown.status_code == 404
    assert fake_openai.requests == []
    assert await Conversation.objects.filter(user=setup.user).acount() == 1  # only the helper's own


async def test_someone_elses_conversation_is_a_404_over_the_api(fake_openai):
    mine = await async_setup()
    theirs = await async_setup(shop_name="Rival Fades")
    client = await api_client(theirs)
    assert (await client.get(f"/api/v1/conversations/{mine.conversation.uuid}/")).status_code == 404
    response = await client.post(
        "/api/v1/chat/", {"conversation": str(mine.conversation.uuid), "message": "Hi"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert fake_openai.requests == []


async def test_anonymous_callers_are_refused():
    response = await AsyncClient().post("/api/v1/chat/", {"agent": "business_coach", "message": "Hi"})
    assert response.status_code in {401, 403}
