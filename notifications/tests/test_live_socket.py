"""`/ws/live/`: who may connect, what bad frames get, and where broadcasts go."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from notifications import broadcast
from sixfb.asgi import application
from tests.base import make_owner, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ORIGIN = (b"origin", b"http://testserver")


@database_sync_to_async
def signed_in_owner(shop_name="Fresh Cuts"):
    user, shop = make_owner(shop_name=shop_name)
    return user, shop, (b"cookie", session_cookie(user).encode())


async def connect(*headers):
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=list(headers))
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_anonymous_handshake_is_refused():
    communicator, connected = await connect(ORIGIN)
    assert not connected
    await communicator.disconnect()


async def test_foreign_origin_handshake_is_refused():
    _user, _shop, cookie = await signed_in_owner()
    communicator, connected = await connect((b"origin", b"https://evil.example"), cookie)
    assert not connected
    await communicator.disconnect()


async def test_missing_origin_is_refused():
    _user, _shop, cookie = await signed_in_owner()
    communicator, connected = await connect(cookie)
    assert not connected
    await communicator.disconnect()


async def test_signed_in_member_connects_and_pings():
    _user, _shop, cookie = await signed_in_owner()
    communicator, connected = await connect(ORIGIN, cookie)
    assert connected
    await communicator.send_to(text_data=json.dumps({"type": "ping"}))
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"text_data": "{not json"}, "bad_frame"),
        ({"text_data": "[1, 2]"}, "bad_frame"),
        ({"text_data": '{"type": 5}'}, "bad_frame"),
        ({"bytes_data": b"\x00\x01"}, "bad_frame"),
        ({"text_data": json.dumps({"type": "ping", "pad": "x" * 5000})}, "bad_frame"),
        ({"text_data": '{"type": "launch_missiles"}'}, "unknown_type"),
    ],
)
async def test_a_malformed_frame_gets_an_error_and_the_socket_stays_open(frame, code):
    _user, _shop, cookie = await signed_in_owner()
    communicator, connected = await connect(ORIGIN, cookie)
    assert connected

    await communicator.send_to(**frame)
    error = await communicator.receive_json_from()
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"]

    await communicator.send_to(text_data='{"type": "ping"}')
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_a_shop_broadcast_reaches_only_that_shop_and_only_after_commit():
    _user, shop, cookie = await signed_in_owner("Fresh Cuts")
    _other, _other_shop, other_cookie = await signed_in_owner("Rival Fades")
    mine, _ = await connect(ORIGIN, cookie)
    theirs, _ = await connect(ORIGIN, other_cookie)

    @database_sync_to_async
    def publish_then_check_nothing_left_before_commit():
        with transaction.atomic():
            broadcast.broadcast_to_shop(
                shop_id=shop.pk, payload={"type": "agent.status", "agent": "x", "status": "busy"}
            )
            # Still inside the transaction: nothing may have been sent yet.
            return len(transaction.get_connection().run_on_commit)

    pending = await publish_then_check_nothing_left_before_commit()
    assert pending == 1

    assert await mine.receive_json_from(timeout=2) == {"type": "agent.status", "agent": "x", "status": "busy"}
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_a_rolled_back_broadcast_is_never_sent():
    _user, shop, cookie = await signed_in_owner()
    mine, _ = await connect(ORIGIN, cookie)

    @database_sync_to_async
    def publish_and_roll_back():
        try:
            with transaction.atomic():
                broadcast.broadcast_to_shop(shop_id=shop.pk, payload={"type": "agent.status", "status": "busy"})
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    await publish_and_roll_back()
    assert await mine.receive_nothing(timeout=0.3)
    await mine.disconnect()


async def test_everyone_broadcast_reaches_every_signed_in_socket():
    _a, _shop_a, cookie_a = await signed_in_owner("A")
    _b, _shop_b, cookie_b = await signed_in_owner("B")
    first, _ = await connect(ORIGIN, cookie_a)
    second, _ = await connect(ORIGIN, cookie_b)

    await database_sync_to_async(broadcast.broadcast_to_everyone)(payload={"type": "agent.status", "status": "paused"})

    results = await asyncio.gather(first.receive_json_from(timeout=2), second.receive_json_from(timeout=2))
    assert all(r["status"] == "paused" for r in results)
    await first.disconnect()
    await second.disconnect()


def test_a_payload_must_be_json_with_a_type():
    with pytest.raises(ValueError):
        broadcast.broadcast_to_everyone(payload={"status": "busy"})
    with pytest.raises(TypeError):
        broadcast.broadcast_to_everyone(payload={"type": "x", "when": object()})
