"""An answer being written: its text saved every second, a stop from another process honoured at
the next beat, a racing second question refused without a trace, and nothing kept alive after.

Through chat.answering (the entry point of the websocket and the SSE API) with the real SDK
against the loopback fake, on the test database (the heartbeat beats every second).
"""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest
from channels.db import database_sync_to_async

from chat import answering, services, streams
from chat.errors import ChatError
from chat.models import Message
from chat.tests.support import async_setup, messages_of, wait_for
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORDS = [f" word{n}" for n in range(30)]


async def streaming_reply(conversation) -> Message | None:
    return await Message.objects.filter(conversation=conversation, status=Message.Status.STREAMING).afirst()


async def test_the_text_is_saved_every_second_and_the_answer_is_freed_by_reference_counting(fake_openai):
    fake_openai.script(Reply(tokens=WORDS, gap=0.08))  # about 2.4 s
    setup = await async_setup()
    frames = await answering.ask(user=setup.user, conversation=setup.conversation, content="Plan my week")
    generation = weakref.ref(streams.running_for(setup.conversation.pk))

    async def saved_text_while_streaming():
        reply = await streaming_reply(setup.conversation)
        return reply is not None and reply.content.startswith(" word0")

    await wait_for(saved_text_while_streaming, timeout=5)  # the heartbeat, before the end
    gc.disable()  # only reference counting may free the answer's objects from here
    try:
        received = [frame async for frame in frames]
        assert received[-1]["type"] == "end" and received[-1]["status"] == "complete"
        assert streams.running_for(setup.conversation.pk) is None
        del frames, received
        await asyncio.sleep(0)  # let the finished tasks' last callbacks run
        assert generation() is None
    finally:
        gc.enable()
    reply = (await messages_of(setup.conversation))[-1]
    assert (reply.status, reply.content) == (Message.Status.COMPLETE, "".join(WORDS))


async def test_a_stop_asked_for_by_another_process_ends_the_answer_at_its_next_beat(fake_openai):
    fake_openai.script(Reply(tokens=WORDS, gap=0.2))  # about 6 s
    setup = await async_setup()
    frames = await answering.ask(user=setup.user, conversation=setup.conversation, content="Plan my week")
    reply = await wait_for(lambda: streaming_reply(setup.conversation))

    # What a socket on another server process does: it cannot reach this generation, only the flag.
    await database_sync_to_async(services.request_stop)(message=reply)

    received = [frame async for frame in frames]
    assert received[-1]["type"] == "end" and received[-1]["status"] == "stopped"
    saved = await Message.objects.aget(pk=reply.pk)
    assert saved.status == Message.Status.STOPPED
    assert saved.content and len(saved.content) < len("".join(WORDS))


async def test_a_second_question_racing_the_first_is_refused_and_leaves_nothing(fake_openai):
    # Slow enough that the first answer is still streaming when the second question is saved, even on
    # a loaded machine (at 0.05 s a token the first could finish first, and then both are accepted).
    fake_openai.script(Reply(tokens=WORDS[:5], gap=0.4), Reply(tokens=WORDS[:5], gap=0.4))
    setup = await async_setup()

    outcomes = await asyncio.gather(
        answering.ask(user=setup.user, conversation=setup.conversation, content="First"),
        answering.ask(user=setup.user, conversation=setup.conversation, content="Second"),
        return_exceptions=True,
    )

    refused = [o for o in outcomes if isinstance(o, ChatError)]
    followed = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(refused) == 1 and refused[0].code == "generation_in_progress", outcomes
    received = [frame async for frame in followed[0]]
    assert received[-1]["status"] == "complete"
    messages = await messages_of(setup.conversation)
    assert [m.role for m in messages] == ["user", "assistant"]  # one question, one answer
    assert messages[-1].content == "".join(WORDS[:5])
