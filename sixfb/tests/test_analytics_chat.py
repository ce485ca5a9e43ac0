"""Chat's stopped and regenerated answers reach PostHog for the person, never with the text."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.test import override_settings

from chat.tests.support import AGENT, TOKENS, async_setup, connect, receive_until_end, send, text_of
from sixfb.lib import analytics
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fixtures import seed_catalog

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def openai_fake(settings):
    server = FakeOpenAI().start()
    settings.OPENAI_API_KEY = "sk-test-fake-key-0000"
    settings.OPENAI_BASE_URL = server.base_url
    settings.OPENAI_MAX_RETRIES = 1
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _catalog():
    seed_catalog()  # the plans and agents, whatever an earlier transactional test flushed


@pytest.fixture
def posthog_on(fake_posthog):
    with override_settings(POSTHOG_API_KEY="phc_testproject0123456789", POSTHOG_HOST=fake_posthog.url):
        yield fake_posthog
        analytics.shutdown()


async def test_stopped_and_regenerated_answers_are_tracked(openai_fake, posthog_on):
    openai_fake.script(Reply(tokens=TOKENS, stall_after=3), Reply(tokens=["Again", "."]))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Count my beard trims")
    frames: list[dict] = []
    while "One two three" not in text_of(frames):
        frames.append(await socket.receive_json_from(timeout=5))
    await send(socket, type="stop")
    assert (await receive_until_end(socket))[-1]["status"] == "stopped"
    await send(socket, type="regenerate")
    assert text_of(await receive_until_end(socket)) == "Again."
    await socket.disconnect()
    await asyncio.to_thread(analytics.flush)

    [stopped] = posthog_on.named("chat_message_stopped")
    [regenerated] = posthog_on.named("chat_message_regenerated")
    for event in (stopped, regenerated):
        assert event["distinct_id"] == str(setup.user.uuid)
        assert event["properties"]["agent"] == AGENT
        assert event["properties"]["$groups"] == {"shop": str(setup.shop.uuid)}
    assert [e["properties"].get("regenerate") for e in posthog_on.named("chat_message_sent")] == [None, True]
    everything = json.dumps(posthog_on.events)
    assert "beard" not in everything and "One two" not in everything
