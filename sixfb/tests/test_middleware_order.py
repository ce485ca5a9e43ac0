"""Under ASGI, Django runs a sync-only middleware and every middleware outside it in the request's
thread, while an async-capable middleware inside the innermost sync-only one runs in async mode,
each of its hooks a hop between threads. So the innermost middleware is a sync-only one, and a
request's hops are counted: 7 for an API refusal, where the old order made 11."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref import sync
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.utils.module_loading import import_string


def _sync_only(path: str) -> bool:
    middleware = import_string(path)
    return not getattr(middleware, "async_capable", False)


def test_no_async_capable_middleware_sits_inside_a_sync_only_one():
    last_sync_only = max(index for index, path in enumerate(settings.MIDDLEWARE) if _sync_only(path))
    assert settings.MIDDLEWARE[last_sync_only + 1 :] == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_api_request_crosses_threads_seven_times(monkeypatch):
    hops = []
    original = sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    application = get_asgi_application()
    sent: list[dict] = []
    body = [{"type": "http.request", "body": json.dumps({"message": "hi"}).encode(), "more_body": False}]

    async def receive() -> dict:
        if body:
            return body.pop()
        await asyncio.sleep(3600)  # the client stays connected
        raise AssertionError("unreachable")

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "https",
        "path": "/api/v1/chat/", "raw_path": b"/api/v1/chat/", "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                    (b"authorization", b"Token 6fb_not-a-real-key")],
        "client": ("127.0.0.1", 5000), "server": ("testserver", 443),
    }  # fmt: skip
    asyncio.run(application(scope, receive, send))
    assert sent[0]["status"] == 401
    assert len(hops) == 7, hops
