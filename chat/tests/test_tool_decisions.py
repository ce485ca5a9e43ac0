"""`approve` and `decline` on the chat socket (issue 18): the decision goes to the registered toolbox;
the socket gets the proposal with its new status, then the message the decision posted (start + end,
so an old client shows it as an answer). Bad frames and refusals get an `error`; the socket stays open."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async

from chat.models import Message
from chat.services import conversation_start
from chat.tests.support import async_setup, connect, messages_of, receive_until_end, send
from tests.fakes.openai_server import FakeToolCall, Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def proposed(fake_openai, socket) -> dict:
    """Ask for a booking; the model proposes one, then says so. The proposal frame."""
    fake_openai.script(
        Reply(tool_calls=[FakeToolCall("book", '{"day": "thursday"}')]),
        Reply(tokens=["Approve", " the", " card", " to", " book."]),
    )
    await send(socket, type="message", content="Book Sam on Thursday")
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    [proposal] = [f for f in frames if f["type"] == "proposal"]
    assert frames[-1]["proposals"] == [proposal]
    return proposal


async def test_approving_sends_the_decided_proposal_and_the_message_it_posted(fake_openai, toolbox):
    setup = await async_setup()
    socket = await connect(setup)
    proposal = await proposed(fake_openai, socket)

    await send(socket, type="approve", proposal=proposal["id"])
    decided = await socket.receive_json_from(timeout=5)
    start = await socket.receive_json_from(timeout=5)
    end = await socket.receive_json_from(timeout=5)

    assert toolbox.decisions == [{"user_id": setup.user.pk, "proposal_id": proposal["id"], "approve": True}]
    assert decided["type"] == "proposal"
    assert (decided["id"], decided["status"], decided["result"]) == (proposal["id"], "done", {"summary": "booked"})
    assert decided["message_id"] == proposal["message_id"]  # the answer that proposed it
    posted = (await messages_of(setup.conversation))[-1]
    assert posted.content == "Done: Book Sam for a fade on Thursday at 10:00."
    assert start == {"type": "start", "message_id": str(posted.uuid)}
    assert end["type"] == "end"
    assert end["message_id"] == str(posted.uuid)
    assert end["status"] == "complete"
    assert "Done: Book Sam" in end["html"]

    # A second click: the toolbox refuses, the socket says so and stays open.
    await send(socket, type="approve", proposal=proposal["id"])
    error = await socket.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", "proposal_closed")
    assert len(await messages_of(setup.conversation)) == 3  # question, answer, what came of the approval
    await socket.disconnect()


async def test_declining_sends_the_declined_proposal_and_its_message(fake_openai, toolbox):
    setup = await async_setup()
    socket = await connect(setup)
    proposal = await proposed(fake_openai, socket)

    await send(socket, type="decline", proposal=proposal["id"].upper())  # any spelling of the uuid
    decided = await socket.receive_json_from(timeout=5)
    start = await socket.receive_json_from(timeout=5)
    end = await socket.receive_json_from(timeout=5)
    assert toolbox.decisions[0]["approve"] is False
    assert toolbox.decisions[0]["proposal_id"] == proposal["id"]
    assert (decided["type"], decided["status"]) == ("proposal", "declined")
    posted = (await messages_of(setup.conversation))[-1]
    assert posted.content.startswith("Declined:")
    assert start["message_id"] == end["message_id"] == str(posted.uuid)
    await socket.disconnect()


@pytest.mark.parametrize(
    "frame",
    [{"type": "approve"}, {"type": "approve", "proposal": 7}, {"type": "decline", "proposal": "not-a-uuid"}],
)
async def test_a_frame_without_a_proposal_id_gets_an_error_and_the_socket_stays_open(fake_openai, toolbox, frame):
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, **frame)
    error = await socket.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", "bad_frame")
    assert toolbox.decisions == []

    await send(socket, type="message", content="Still there?")  # the socket still answers
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    await socket.disconnect()


async def test_a_refused_decision_is_an_error_frame_with_the_toolbox_code(fake_openai, toolbox):
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="approve", proposal=str(uuid.uuid4()))
    error = await socket.receive_json_from(timeout=5)
    assert (error["type"], error["code"], error["message"]) == ("error", "not_found", "No such proposal.")

    proposal = await proposed(fake_openai, socket)
    toolbox.proposals[proposal["id"]]["summary"] = "locked"  # the toolbox refuses with its own AppError
    await send(socket, type="approve", proposal=proposal["id"])
    error = await socket.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", "not_allowed")
    assert error["message"] == "Only an owner or manager can approve this."
    assert toolbox.proposals[proposal["id"]]["status"] == "pending"
    await socket.disconnect()


async def test_without_a_toolbox_decisions_are_not_available(no_toolbox):
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="approve", proposal=str(uuid.uuid4()))
    error = await socket.receive_json_from(timeout=5)
    assert (error["type"], error["code"]) == ("error", "not_available")
    assert await messages_of(setup.conversation) == []
    await socket.disconnect()


async def test_a_decision_in_another_conversation_sends_only_the_proposal(fake_openai, toolbox):
    """Approved from a socket on another of the person's conversations: that socket gets the
    proposal frame, not the posted message (it belongs to the other conversation)."""
    setup = await async_setup()
    socket = await connect(setup)
    proposal = await proposed(fake_openai, socket)
    await socket.disconnect()

    other = await database_sync_to_async(conversation_start)(
        user=setup.user, shop=setup.shop, agent_slug="business_coach"
    )
    elsewhere = await connect(setup, other)
    await send(elsewhere, type="approve", proposal=proposal["id"])
    decided = await elsewhere.receive_json_from(timeout=5)
    assert (decided["type"], decided["status"]) == ("proposal", "done")
    assert await elsewhere.receive_nothing(timeout=0.3)
    assert (await messages_of(setup.conversation))[-1].role == Message.Role.ASSISTANT
    await elsewhere.disconnect()
