"""`chat_message_sent` reaches PostHog (a loopback fake) with the agent and the shop, never the text."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.test import override_settings

from chat.tests.support import AGENT, async_setup, connect, receive_until_end, send, text_of
from sixfb.lib import analytics
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


SECRET = "My margin on beard trims is 71 percent, keep it quiet"


@pytest.fixture
def posthog_on(fake_posthog):
    with override_settings(POSTHOG_API_KEY="phc_testproject0123456789", POSTHOG_HOST=fake_posthog.url):
        yield fake_posthog
        analytics.shutdown()


async def test_a_sent_message_is_tracked_with_agent_and_shop_but_never_the_text(fake_openai, posthog_on):
    fake_openai.script(Reply(tokens=["Sure", "."]), Reply(tokens=["Again", "."]))
    setup = await async_setup()
    socket = await connect(setup)

    await send(socket, type="message", content=SECRET)
    assert (await receive_until_end(socket))[-1]["status"] == "complete"
    await send(socket, type="regenerate")
    assert text_of(await receive_until_end(socket)) == "Again."
    await socket.disconnect()
    await asyncio.to_thread(analytics.flush)

    sent, regenerated = posthog_on.named("chat_message_sent")
    for event in (sent, regenerated):
        assert event["distinct_id"] == str(setup.user.uuid)
        assert event["properties"]["agent"] == AGENT
        assert event["properties"]["$groups"] == {"shop": str(setup.shop.uuid)}
    assert regenerated["properties"]["regenerate"] is True
    assert "regenerate" not in sent["properties"]
    everything = json.dumps(posthog_on.events)
    assert SECRET not in everything
    assert "beard" not in everything
    assert "Sure" not in everything
