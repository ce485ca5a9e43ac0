"""Approve tapped on two devices at once, each socket on a different server process: the change runs
once, both devices are told it is done, and one outcome is posted into the conversation.

Real uvicorn processes on loopback sharing PostgreSQL and Redis; skips on the embedded defaults.
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest

from actions.models import Proposal
from actions.tests.proposal_support import make_world
from actions.tests.test_conversation_page import book
from bookings.models import Appointment
from chat.models import Message
from sixfb.flags import AI_AGENT_V2
from sixfb.models import Flag
from tests.base import session_cookie
from tests.servers import chat_socket, next_frame, requires_shared_stack, running_servers

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), requires_shared_stack]


async def approve_on_both(ports: list[int], device, proposal_id: str) -> list[list[dict]]:
    async with chat_socket(ports[0], device) as on_a, chat_socket(ports[1], device) as on_b:
        frame = json.dumps({"type": "approve", "proposal": proposal_id})
        await asyncio.gather(on_a.send(frame), on_b.send(frame))

        async def replies(socket) -> list[dict]:
            """The decided proposal, then whatever follows it (the posted outcome) within a second."""
            frames = [await next_frame(socket, timeout=20)]
            while True:
                try:
                    frames.append(await next_frame(socket, timeout=1))
                except TimeoutError:
                    return frames

        return list(await asyncio.gather(replies(on_a), replies(on_b)))


def test_approve_on_two_processes_at_once_books_once_and_tells_both(fake):
    world = make_world()
    Flag.objects.get_or_create(name=AI_AGENT_V2)[0].shops.add(world.shop)
    proposal = book(world)
    device = SimpleNamespace(cookie=(b"cookie", session_cookie(world.owner).encode()), conversation=world.conversation)
    appointments = Appointment.objects.filter(shop=world.shop).count()
    env = {"OPENAI_API_KEY": "sk-test-fake-key-0000", "OPENAI_BASE_URL": fake.base_url}

    with running_servers(2, command="uvicorn", env=env) as ports:
        on_a, on_b = asyncio.run(approve_on_both(ports, device, str(proposal.uuid)))

    for frames in (on_a, on_b):
        decided = frames[0]
        assert decided["type"] == "proposal" and decided["id"] == str(proposal.uuid), frames
        assert decided["status"] == "done", frames
    assert on_a[0]["result"] == on_b[0]["result"]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DONE and proposal.decided_by == world.owner
    assert Appointment.objects.filter(shop=world.shop).count() == appointments + 1
    assert Message.objects.filter(conversation=world.conversation, content__startswith="Done:").count() == 1
