"""What runs beside a stream (the heartbeat, the busy/idle announcements) ends cleanly.

Ending it by cancelling its task left a reference cycle (the task's CancelledError, its
traceback, the task's frame, the task) that kept every answer's objects alive until a full
garbage collection; under load those collections stalled the event loop for tens of ms.
These run the real services on the test database (the heartbeat beats every second).
"""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest
from channels.db import database_sync_to_async

from chat import services, streams
from chat.models import Message
from chat.tests.support import async_setup

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def saved_request(setup):
    """The question and a streaming reply saved, as a socket's ``message`` frame leaves them."""
    _question, plan = await database_sync_to_async(services.chat_request)(
        user=setup.user, conversation=setup.conversation, content="How do I fill Tuesday mornings?"
    )
    return plan


async def reply_of(plan) -> Message:
    return await database_sync_to_async(Message.objects.get)(pk=plan.message_id)


async def test_the_heartbeat_saves_then_ends_without_cancellation_and_frees_by_refcount():
    setup = await async_setup()
    plan = await saved_request(setup)
    gc.disable()  # only reference counting may free it
    try:
        generation = streams.Generation(plan.conversation_id, plan)
        generation.append("Half an answer")
        alongside = streams._Alongside(generation)
        generation.attach(plan)
        for _ in range(50):  # at most 5 s: a heartbeat that never beats fails, never hangs
            if (await reply_of(plan)).content:
                break
            await asyncio.sleep(0.1)
        assert (await reply_of(plan)).content == "Half an answer"
        assert streams._working[(plan.shop_id, plan.agent_id)] == 1  # announced busy
        task = alongside.task

        await alongside.close(plan)

        assert task.done() and not task.cancelled() and task.exception() is None
        assert streams._working == {}
        streams._forget(generation)
        freed = weakref.ref(generation)
        del generation, alongside, task
        assert freed() is None
    finally:
        gc.enable()


async def test_a_stop_asked_for_by_another_process_stops_the_generation():
    setup = await async_setup()
    plan = await saved_request(setup)
    generation = streams.Generation(plan.conversation_id, plan)
    upstream = asyncio.get_running_loop().create_task(asyncio.sleep(30))  # stands for the upstream read
    generation.task = upstream
    alongside = streams._Alongside(generation)
    generation.attach(plan)
    await database_sync_to_async(services.request_stop)(message=await reply_of(plan))

    await asyncio.wait_for(alongside.task, 5)  # its next beat sees the flag

    assert upstream.cancelled() or upstream.cancelling()
    await alongside.close(plan)
    streams._forget(generation)
    assert streams._working == {}


async def test_closing_before_the_answer_is_saved_announces_nothing():
    setup = await async_setup()
    plan = await saved_request(setup)
    generation = streams.Generation(plan.conversation_id, plan)
    alongside = streams._Alongside(generation)
    generation.abort()  # refused when it was saved
    await alongside.close(None)
    assert alongside.task.done() and not alongside.task.cancelled()
    assert streams._working == {}
    assert (await reply_of(plan)).content == ""  # no heartbeat touched it
