"""Websocket handshakes through the ASGI application: the Origin must match in scheme, host and port;
an unknown path is refused quietly.

The test settings run with debug off, ALLOWED_HOSTS testserver, localhost and 127.0.0.1, and trust
``http://testserver`` (the test client's own origin).
"""

from __future__ import annotations

import logging

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from sixfb.asgi import application
from tests.base import make_owner, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HOST = (b"host", b"127.0.0.1:8000")  # the page and its socket are served on 127.0.0.1:8000


@database_sync_to_async
def signed_in():
    user, _shop = make_owner()
    return (b"cookie", session_cookie(user).encode())


def origin(value: str) -> tuple[bytes, bytes]:
    return (b"origin", value.encode())


async def accepted(*headers, path="/ws/live/") -> bool:
    communicator = WebsocketCommunicator(application, path, headers=list(headers))
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


async def test_the_origin_must_match_in_scheme_host_and_port():
    cookie = await signed_in()
    assert await accepted(HOST, origin("http://127.0.0.1:8000"), cookie)  # the page's own origin
    assert not await accepted(HOST, origin("http://127.0.0.1:9999"), cookie)  # same host, another port
    assert not await accepted(HOST, origin("http://localhost:3000"), cookie)  # a host of ours, a dev port
    # The socket came over plain HTTP with no TLS proxy in front: an https page is another origin.
    assert not await accepted(HOST, origin("https://127.0.0.1:8000"), cookie)
    # Every allowed host is trusted on https; on http only while debug is on.
    assert await accepted(HOST, origin("https://localhost"), cookie)
    assert not await accepted(HOST, origin("http://localhost"), cookie)


async def test_a_missing_opaque_repeated_or_foreign_origin_is_refused():
    cookie = await signed_in()
    assert not await accepted(HOST, cookie)
    assert not await accepted(HOST, origin("null"), cookie)
    assert not await accepted(HOST, origin("http://127.0.0.1:8000"), origin("http://127.0.0.1:8000"), cookie)
    assert not await accepted(HOST, origin("https://evil.example"), cookie)
    # DNS rebinding: evil.example resolves to us, and its page is "same-origin" with its socket.
    assert not await accepted((b"host", b"evil.example:8000"), origin("http://evil.example:8000"), cookie)


async def test_behind_the_tls_proxy_the_page_is_https():
    cookie = await signed_in()
    proxied = [(b"host", b"localhost:8443"), (b"x-forwarded-proto", b"https")]
    assert await accepted(*proxied, origin("https://localhost:8443"), cookie)
    assert not await accepted(*proxied, origin("http://localhost:8443"), cookie)
    assert not await accepted((b"host", b"localhost:8443"), origin("https://localhost:8443"), cookie)


async def test_debug_and_trusted_origins_add_exact_origins_only():
    cookie = await signed_in()
    with override_settings(DEBUG=True):
        assert await accepted(HOST, origin("http://localhost"), cookie)
        assert not await accepted(HOST, origin("http://localhost:3000"), cookie)
    with override_settings(CSRF_TRUSTED_ORIGINS=["https://app.example.com:8443"]):
        assert await accepted(HOST, origin("https://app.example.com:8443"), cookie)
        assert not await accepted(HOST, origin("https://app.example.com"), cookie)


async def test_an_unknown_path_is_refused_quietly(caplog):
    caplog.set_level(logging.DEBUG)
    cookie = await signed_in()
    for path in ["/ws/nope/", "/ws/chat/not-a-uuid/", "/elsewhere"]:
        caplog.clear()
        assert not await accepted(HOST, origin("http://127.0.0.1:8000"), cookie, path=path)
        assert not [record for record in caplog.records if record.levelno >= logging.WARNING or record.exc_info]
        assert len([record for record in caplog.records if record.name == "sixfb.websocket_security"]) <= 1
