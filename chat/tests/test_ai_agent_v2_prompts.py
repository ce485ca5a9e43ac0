"""The ``ai_agent_v2`` flag: the beta group and named shops get the improved prompt set (a sharper
role, rules for a phone, the shop's services and today's hours); everyone else today's prompt.
Checked on the system message the model received, through the socket and the SSE API."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.utils import timezone

from agents import prompts
from bookings import services as booking_services
from chat.tests.support import Setup, async_setup, connect, make_setup, receive_until_end, send
from chat.tests.test_chat_through_the_api import api_client
from sixfb.flags import AI_AGENT_V2
from sixfb.models import Flag

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

IMPROVED_OPENING = "You are Avery, the business coach of this barbershop's AI team"
TODAYS_OPENING = "You are Avery, the business coach of a barbershop's AI team"


def _with_a_service(setup: Setup) -> Setup:
    booking_services.barber_create(shop=setup.shop, name="Sam")
    booking_services.service_create(shop=setup.shop, name="Skin fade", duration_minutes=30, price="35.00")
    return setup


@database_sync_to_async
def beta_setup(*, via: str) -> Setup:
    setup = _with_a_service(make_setup())
    if via == "group":
        setup.user.groups.add(Group.objects.get(name="beta"))
    else:
        Flag.objects.get(name=AI_AGENT_V2).shops.add(setup.shop)
    return setup


async def _system_over_the_socket(setup: Setup, fake_openai) -> str:
    socket = await connect(setup)
    await send(socket, type="message", content="Should I raise prices?")
    assert (await receive_until_end(socket))[-1]["status"] == "complete"
    await socket.disconnect()
    system = fake_openai.requests[-1]["messages"][0]
    assert system["role"] == "system"
    return system["content"]


async def _system_over_sse(setup: Setup, fake_openai) -> str:
    client = await api_client(setup)
    response = await client.post("/api/v1/chat/", {"agent": "business_coach", "message": "Should I raise prices?"})
    assert response.status_code == 200
    body = b"".join([chunk async for chunk in response.streaming_content])
    assert json.loads(body.split(b"\n\n")[-2][len(b"data: ") :])["status"] == "complete"
    system = fake_openai.requests[-1]["messages"][0]
    assert system["role"] == "system"
    return system["content"]


def _assert_improved(system: str, setup: Setup) -> None:
    assert system.startswith(IMPROVED_OPENING)
    assert prompts.RULES in system
    assert "Never invent numbers" in system
    assert 'End with "Next steps:"' in system
    assert "- Shop name: Fresh Cuts" in system
    assert "- Time zone: America/New_York" in system
    assert "- Services and prices: Skin fade (30 min, 35.00 USD)" in system
    now = timezone.now().astimezone(setup.shop.tzinfo)
    assert f"- Now it is {now.strftime('%A %-d %B %Y')}," in system
    today = "closed today" if now.weekday() == 6 else "open 09:00-18:00 today"  # the default hours
    assert f"the shop is {today}." in system
    assert "Monday 09:00-18:00" in system


def _assert_todays(system: str) -> None:
    assert system.startswith(TODAYS_OPENING)
    assert "Facts about the shop you work for:" in system
    assert prompts.RULES not in system
    assert "Services and prices" not in system


async def test_the_beta_group_gets_the_improved_prompts_on_the_socket(fake_openai):
    setup = await beta_setup(via="group")
    _assert_improved(await _system_over_the_socket(setup, fake_openai), setup)


async def test_a_named_shop_gets_the_improved_prompts_over_sse(fake_openai):
    setup = await beta_setup(via="shop")
    _assert_improved(await _system_over_sse(setup, fake_openai), setup)


async def test_everyone_else_keeps_todays_prompts_on_the_socket_and_over_sse(fake_openai):
    setup = await database_sync_to_async(lambda: _with_a_service(make_setup()))()
    _assert_todays(await _system_over_the_socket(setup, fake_openai))
    _assert_todays(await _system_over_sse(setup, fake_openai))


async def test_a_shop_without_services_is_described_as_such(fake_openai):
    setup = await async_setup()
    await database_sync_to_async(lambda: Flag.objects.get(name=AI_AGENT_V2).shops.add(setup.shop))()
    system = await _system_over_the_socket(setup, fake_openai)
    assert "- Services and prices: none listed for online booking yet" in system
