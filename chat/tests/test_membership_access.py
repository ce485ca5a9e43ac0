"""A person removed from a shop loses its chats at once: pages, the API, new sockets and open ones."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import AsyncClient, Client
from rest_framework.authtoken.models import Token

from chat.models import Message
from chat.services import conversation_start
from chat.tests.support import AGENT, ORIGIN, async_setup, messages_of, send
from sixfb.asgi import application
from sixfb.models import Membership
from tests.base import add_member, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@database_sync_to_async
def barber_with_a_conversation(setup):
    barber = add_member(shop=setup.shop)
    conversation = conversation_start(user=barber, shop=setup.shop, agent_slug=AGENT)
    token = Token.objects.create(user=barber)
    return barber, conversation, (b"cookie", session_cookie(barber).encode()), token.key


async def open_socket(path: str, cookie) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, path, headers=[ORIGIN, cookie])
    connected, _ = await socket.connect()
    assert connected
    return socket


async def test_removing_a_member_closes_their_live_sockets_and_refuses_their_open_chat_socket(fake_openai):
    setup = await async_setup()
    barber, conversation, cookie, _ = await barber_with_a_conversation(setup)
    chat = await open_socket(f"/ws/chat/{conversation.uuid}/", cookie)
    live = await open_socket("/ws/live/", cookie)

    await Membership.objects.filter(shop=setup.shop, user=barber).adelete()

    frame = await live.receive_json_from(timeout=5)
    assert (frame["type"], frame["code"]) == ("error", "membership_ended")
    assert await live.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}

    await send(chat, type="message", content="Still here?")
    frame = await chat.receive_json_from(timeout=5)
    assert (frame["type"], frame["code"]) == ("error", "not_a_member")
    assert await chat.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    assert fake_openai.requests == []


async def test_a_removed_member_cannot_read_or_continue_their_old_conversations(fake_openai):
    setup = await async_setup()
    barber, conversation, cookie, token = await barber_with_a_conversation(setup)
    await Membership.objects.filter(shop=setup.shop, user=barber).adelete()

    page = await database_sync_to_async(lambda: _signed_in(barber).get(f"/chat/{conversation.uuid}/"))()
    assert page.status_code == 404
    api, auth = AsyncClient(), {"Authorization": f"Token {token}"}
    assert (await api.get(f"/api/v1/conversations/{conversation.uuid}/", headers=auth)).status_code == 404
    assert (await api.get("/api/v1/conversations/", headers=auth)).json() == []
    sse = await api.post(
        "/api/v1/chat/",
        {"conversation": str(conversation.uuid), "message": "Hi"},
        content_type="application/json",
        headers=auth,
    )
    assert sse.status_code == 404
    socket = WebsocketCommunicator(application, f"/ws/chat/{conversation.uuid}/", headers=[ORIGIN, cookie])
    assert not (await socket.connect())[0]
    assert fake_openai.requests == []
    assert await messages_of(conversation) == []


async def test_an_open_socket_is_refused_on_its_next_frame_even_if_the_close_never_arrived(fake_openai):
    setup = await async_setup()
    barber, conversation, cookie, _ = await barber_with_a_conversation(setup)
    chat = await open_socket(f"/ws/chat/{conversation.uuid}/", cookie)

    @database_sync_to_async
    def remove_without_signals():  # as if the broadcast were lost (Redis down)
        with connection.cursor() as cursor:
            sql = "DELETE FROM sixfb_membership WHERE shop_id = %s AND user_id = %s"
            cursor.execute(sql, [setup.shop.pk, barber.pk])

    await remove_without_signals()
    for frame in ({"type": "message", "content": "One more?"}, {"type": "regenerate"}, {"type": "stop"}):
        if frame["type"] != "message":
            chat = await open_socket_as_member_again(setup, barber, conversation, cookie)
            await remove_without_signals()
        await chat.send_to(text_data=json.dumps(frame))
        answer = await chat.receive_json_from(timeout=5)
        assert (answer["type"], answer["code"]) == ("error", "not_a_member"), frame
        assert await chat.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    assert fake_openai.requests == []
    assert not await Message.objects.filter(conversation=conversation).aexists()


async def open_socket_as_member_again(setup, barber, conversation, cookie) -> WebsocketCommunicator:
    await Membership.objects.acreate(shop=setup.shop, user=barber, role=Membership.Role.BARBER)
    return await open_socket(f"/ws/chat/{conversation.uuid}/", cookie)


async def test_a_member_of_the_shop_still_chats(fake_openai):
    setup = await async_setup()
    _barber, conversation, cookie, _ = await barber_with_a_conversation(setup)
    chat = await open_socket(f"/ws/chat/{conversation.uuid}/", cookie)
    await send(chat, type="message", content="Hello")
    while (frame := await chat.receive_json_from(timeout=5))["type"] != "end":
        assert frame["type"] in {"start", "delta"}
    assert frame["status"] == "complete"
    await chat.disconnect()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
