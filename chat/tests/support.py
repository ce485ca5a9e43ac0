"""Helpers for chat tests: a signed-in owner with an enabled agent and a conversation, its turns, and a socket."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from agents.models import Agent
from agents.services import shop_agent_enable
from chat.models import Conversation, Message
from chat.services import conversation_start
from sixfb.asgi import application
from sixfb.models import Shop, User
from tests.base import make_owner

ORIGIN = (b"origin", b"http://testserver")
AGENT = "business_coach"
# Eight counted tokens, for answers stopped, cut or failed part-way.
TOKENS = ["One", " two", " three", " four", " five", " six", " seven", " eight"]


@dataclass
class Setup:
    user: User
    shop: Shop
    conversation: Conversation
    cookie: tuple[bytes, bytes]
    client: Client


def make_setup(*, shop_name: str = "Fresh Cuts", agent: str = AGENT) -> Setup:
    user, shop = make_owner(shop_name=shop_name)
    shop_agent_enable(shop=shop, agent=Agent.objects.get(slug=agent))
    conversation = conversation_start(user=user, shop=shop, agent_slug=agent)
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return Setup(user, shop, conversation, (b"cookie", cookie.encode()), client)


async_setup = database_sync_to_async(make_setup)


def add_turns(setup, *pairs):
    for question, answer in pairs:
        Message.objects.create(conversation=setup.conversation, shop=setup.shop, role="user", content=question)
        Message.objects.create(conversation=setup.conversation, shop=setup.shop, role="assistant", content=answer)


async def connect(setup: Setup, conversation: Conversation | None = None) -> WebsocketCommunicator:
    conversation = conversation or setup.conversation
    communicator = WebsocketCommunicator(application, f"/ws/chat/{conversation.uuid}/", headers=[ORIGIN, setup.cookie])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def send(communicator: WebsocketCommunicator, **frame: object) -> None:
    await communicator.send_to(text_data=json.dumps(frame))


async def receive_until_end(communicator: WebsocketCommunicator, timeout: float = 5) -> list[dict]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        frames.append(frame)
        if frame["type"] in {"end", "error"}:
            return frames


def text_of(frames: list[dict]) -> str:
    return "".join(f["text"] for f in frames if f["type"] == "delta")


@database_sync_to_async
def messages_of(conversation: Conversation) -> list[Message]:
    return list(Message.objects.filter(conversation=conversation).order_by("created_at", "pk"))


async def wait_for(predicate, timeout: float = 5.0, interval: float = 0.05):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
