"""What runs beside a stream (the heartbeat, the busy/idle announcements) ends cleanly.

Ending it by cancelling its task left a reference cycle (the task's CancelledError, its
traceback, the task's frame, the task) that kept every answer's objects alive until a full
garbage collection; under load those collections stalled the event loop for tens of ms.
"""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from chat import services, streams
from chat.services import GenerationPlan

pytestmark = [pytest.mark.django_db]  # the suite's autouse fixtures read the plans; these tests do not


def plan() -> GenerationPlan:
    return GenerationPlan(
        message_id=7,
        message_uuid="00000000-0000-0000-0000-000000000007",
        conversation_id=3,
        shop_id=5,
        agent_id=11,
        model="gpt-4o-mini",
        temperature=0.7,
        max_tokens=100,
        messages=[{"role": "user", "content": "Hi"}],
    )


async def test_the_heartbeat_runs_then_ends_without_cancellation_and_frees_by_refcount(monkeypatch):
    beats, announced = [], []
    monkeypatch.setattr(streams, "HEARTBEAT_SECONDS", 0.01)
    monkeypatch.setattr(services, "message_heartbeat", lambda **kw: beats.append(kw) or False)
    monkeypatch.setattr(services, "generation_announce", lambda **kw: announced.append(kw["busy"]))
    gc.disable()  # only reference counting may free it
    try:
        generation = streams.Generation(3, plan())
        generation.append("Half an answer")
        alongside = streams._Alongside(generation)
        generation.attach(plan())
        for _ in range(500):  # at most 5 s: a heartbeat that never beats fails, never hangs
            if len(beats) >= 2:
                break
            await asyncio.sleep(0.01)
        assert len(beats) >= 2
        task = alongside.task

        await alongside.close(generation.plan)

        assert task.done() and not task.cancelled() and task.exception() is None
        assert beats[0] == {"message_id": 7, "content": "Half an answer"}
        assert announced == [True, False] and streams._working == {}
        streams._forget(generation)
        freed = weakref.ref(generation)
        del generation, alongside, task
        assert freed() is None
    finally:
        gc.enable()


async def test_a_stop_asked_for_by_another_process_stops_the_generation(monkeypatch):
    monkeypatch.setattr(streams, "HEARTBEAT_SECONDS", 0.01)
    monkeypatch.setattr(services, "message_heartbeat", lambda **kw: True)
    monkeypatch.setattr(services, "generation_announce", lambda **kw: None)
    generation = streams.Generation(3, plan())
    stopped = []
    monkeypatch.setattr(generation, "stop", lambda: stopped.append(True))
    alongside = streams._Alongside(generation)
    generation.attach(plan())
    await asyncio.wait_for(alongside.task, 2)
    assert stopped == [True]
    await alongside.close(generation.plan)
    streams._forget(generation)


async def test_closing_before_the_answer_is_saved_announces_nothing(monkeypatch):
    announced = []
    monkeypatch.setattr(services, "generation_announce", lambda **kw: announced.append(kw))
    generation = streams.Generation(3, plan())
    alongside = streams._Alongside(generation)
    generation.abort()  # refused when it was saved
    await alongside.close(None)
    assert alongside.task.done() and not alongside.task.cancelled()
    assert announced == [] and streams._working == {}
