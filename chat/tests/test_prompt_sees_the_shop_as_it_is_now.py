"""Each question's prompt sees the shop as it is now, not as it was when the socket opened."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from chat.tests.support import async_setup, connect, receive_until_end, send

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_the_prompt_sees_the_shop_as_it_is_now_not_as_when_the_socket_opened(fake_openai):
    setup = await async_setup(shop_name="Fresh Cuts")
    socket = await connect(setup)
    await database_sync_to_async(
        lambda: (
            type(setup.shop)
            .objects.filter(pk=setup.shop.pk)
            .update(name="Sharp Lines", notes_for_agents="Walk-ins only on Sundays.")
        )
    )()
    await send(socket, type="message", content="Who are you working for?")
    await receive_until_end(socket)
    system = fake_openai.requests[0]["messages"][0]
    assert system["role"] == "system"
    assert "Shop name: Sharp Lines" in system["content"]
    assert "Walk-ins only on Sundays." in system["content"]
    assert "Fresh Cuts" not in system["content"]
    await socket.disconnect()
