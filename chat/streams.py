"""Answers being written in this process.

A generation is an asyncio task owned by the process, not by a socket: closing the tab does
not stop it, and a reloaded page (or the SSE endpoint) follows the same generation
(chat/following.py). Tokens never travel through the channel layer. The generation saves its
text every second (its heartbeat), which followers in other processes read. Its rounds of tool
calls (chat/tool_rounds.py) publish ``tool`` and ``proposal`` frames, which followers relay in order.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections import Counter
from typing import Any, Protocol

from channels.db import database_sync_to_async
from django.db import InterfaceError, OperationalError

from chat import llm, services, tool_rounds
from chat.frames import end_frame
from chat.markdown import render_markdown
from chat.models import Message
from chat.services import GenerationPlan, Outcome

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0


class Generation:
    """One answer being written. It can start before it is saved (``start_early``): the upstream
    request goes out while the question is stored, and ``attach`` brings the saved ids."""

    def __init__(self, conversation_id: int | None, request: UpstreamRequest) -> None:
        self.conversation_id = conversation_id  # None for a conversation saved with its first question
        self.request = request
        self.plan: GenerationPlan | None = None
        self.planned: asyncio.Future[GenerationPlan | None] = asyncio.get_running_loop().create_future()
        self.parts: list[str] = []
        self.length = 0
        self.final: dict[str, Any] | None = None
        # ``tool`` and ``proposal`` frames in order, and the text's length when each was published.
        self.events: list[dict[str, Any]] = []
        self.event_offsets: list[int] = []
        self.task: asyncio.Task | None = None
        self.streaming = True  # reading from upstream; a stop after that would cut the saving short
        self.stopping = False
        self._listeners: set[asyncio.Event] = set()

    def attach(self, plan: GenerationPlan) -> None:
        self.plan = plan
        self.conversation_id = plan.conversation_id
        _by_conversation[self.conversation_id] = self  # saved: it is the conversation's answer now
        if not self.planned.done():
            self.planned.set_result(plan)

    def abort(self) -> None:
        """The request was refused after all (``chat_commit``): stop upstream, save nothing."""
        if not self.planned.done():
            self.planned.set_result(None)
        self.stop()

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        self._notify()

    def publish(self, frame: dict[str, Any]) -> None:
        self.events.append(frame)
        self.event_offsets.append(self.length)
        self._notify()

    @property
    def proposals(self) -> list[dict[str, Any]]:
        return [frame for frame in self.events if frame["type"] == "proposal"]

    def finish(self, frame: dict[str, Any]) -> None:
        self.final = frame
        self._notify()

    def subscribe(self) -> asyncio.Event:
        event = asyncio.Event()
        event.set()
        self._listeners.add(event)
        return event

    def unsubscribe(self, event: asyncio.Event) -> None:
        self._listeners.discard(event)

    def _notify(self) -> None:
        for event in self._listeners:
            event.set()

    def stop(self) -> None:
        # Cancel once, and only while reading upstream: a cancel later would cut the saving short.
        if self.task is not None and not self.task.done() and self.streaming and not self.stopping:
            self.stopping = True
            self.task.cancel()


_by_conversation: dict[int, Generation] = {}
# Answers being written in this process, per (shop id, agent id): for the busy/idle announcements.
_working: Counter[tuple[int, int]] = Counter()


class UpstreamRequest(Protocol):
    """What the model is asked (services.GenerationPlan and services.PreparedRequest both are).

    Read-only: a frozen dataclass's fields and properties both fit."""

    @property
    def messages(self) -> list[dict[str, str]]: ...
    @property
    def tools(self) -> list[dict[str, Any]]: ...
    @property
    def model(self) -> str: ...
    @property
    def temperature(self) -> float: ...
    @property
    def max_tokens(self) -> int: ...
    @property
    def demo_text(self) -> str: ...


def start(plan: GenerationPlan) -> Generation:
    """Start writing an answer that is already saved as a streaming row."""
    generation = start_early(plan.conversation_id, plan)
    generation.attach(plan)
    return generation


def start_early(conversation_id: int | None, request: UpstreamRequest) -> Generation:
    """Ask the model now; ``attach`` the saved plan (or ``abort``) as soon as the question is stored.

    The bookkeeping then runs while the model thinks instead of before it is asked, which takes it
    off every answer's time to first token.
    """
    generation = Generation(conversation_id, request)
    if conversation_id is not None and running_for(conversation_id) is None:  # else a racing second request
        _by_conversation[conversation_id] = generation
    # A context of its own: the generation belongs to the process, not to the request that started
    # it. Inheriting the SSE view's would send its database calls to that request's thread, gone
    # once the response has begun (asgiref keeps the calling thread's executor in a context variable).
    generation.task = asyncio.get_running_loop().create_task(
        _run(generation), name=f"chat-{conversation_id}", context=contextvars.Context()
    )
    return generation


def running_for(conversation_id: int) -> Generation | None:
    generation = _by_conversation.get(conversation_id)
    return generation if generation is not None and generation.final is None else None


class _Alongside:
    """What runs beside the upstream stream once the answer is saved: the busy announcement and
    the heartbeat. Only the first of a shop's answers by this agent in this process announces
    "busy", and only the last checks whether the agent is idle again.

    It is ended by ``close`` through a future, not by cancelling its task: a cancelled task keeps
    its CancelledError, whose traceback holds the task's frame, which holds the task, so each
    answer's objects would wait for a full garbage collection (docs/benchmarks.md, chat overhead).
    """

    def __init__(self, generation: Generation) -> None:
        loop = asyncio.get_running_loop()
        self.generation = generation
        self.key: tuple[int, int] | None = None
        self.announce: asyncio.Task | None = None
        self.closing: asyncio.Future[None] = loop.create_future()
        self.task = loop.create_task(self._run())

    async def _run(self) -> None:
        planned = self.generation.planned
        await asyncio.wait((planned, self.closing), return_when=asyncio.FIRST_COMPLETED)
        if self.closing.done():
            return
        plan = planned.result()
        if plan is None:
            return
        self.key = (plan.shop_id, plan.agent_id)
        _working[self.key] += 1
        if _working[self.key] == 1:
            self.announce = asyncio.get_running_loop().create_task(
                database_sync_to_async(services.generation_announce)(plan=plan, busy=True)
            )
        failing = False
        while True:
            closing, _ = await asyncio.wait((self.closing,), timeout=HEARTBEAT_SECONDS)
            if closing:
                return
            # Renew the lease even without new text: a lease run out means a dead process
            # (services.STALE_AFTER). A failed beat is logged once and the next one tried.
            try:
                stop = await database_sync_to_async(services.message_heartbeat)(
                    message_id=plan.message_id, content=self.generation.text
                )
            except Exception:
                if not failing:
                    logger.exception("heartbeat of answer %s failed; retrying every beat", plan.message_uuid)
                failing = True
                continue
            if failing:
                logger.warning("heartbeat of answer %s recovered", plan.message_uuid)
                failing = False
            if stop:
                self.generation.stop()
                return

    async def close(self, plan: GenerationPlan | None) -> None:
        if not self.closing.done():
            self.closing.set_result(None)
        await asyncio.gather(self.task, return_exceptions=True)  # at most a heartbeat's save to wait for
        if self.key is None:
            return
        if self.announce is not None:
            await asyncio.gather(self.announce, return_exceptions=True)  # "busy" before "idle"
        _working[self.key] -= 1
        if not _working[self.key]:
            del _working[self.key]
            assert plan is not None  # a key is taken only for a saved plan, and then the plan is passed here
            try:
                await database_sync_to_async(services.generation_announce)(plan=plan, busy=False)
            except Exception:
                logger.exception("announcing the end of generation %s failed", plan.message_uuid)


async def _saved_plan(generation: Generation) -> GenerationPlan | None:
    """The saved plan, waiting for it if the question is still being stored (even through a stop)."""
    while True:
        try:
            return await asyncio.shield(generation.planned)
        except asyncio.CancelledError:
            if generation.planned.cancelled():
                return None


async def _run(generation: Generation) -> None:
    started = time.monotonic()
    rounds = tool_rounds.Rounds(model=generation.request.model)
    status, error_code, error_message = Message.Status.COMPLETE, "", ""
    alongside = _Alongside(generation)
    try:
        await tool_rounds.stream_rounds(generation, rounds)
    except asyncio.CancelledError:
        status, rounds.finish_reason = Message.Status.STOPPED, "stopped"
    except llm.LLMError as exc:
        status, error_code, error_message = Message.Status.ERROR, exc.code, exc.message
    except Exception:
        logger.exception("generation for conversation %s failed", generation.conversation_id)
        status, error_code, error_message = Message.Status.ERROR, "internal_error", "Something went wrong on our side."
    finally:
        generation.streaming = False
    if status == Message.Status.ERROR:
        rounds.finish_reason = ""  # an earlier round's "tool_calls" is not how this answer ended
    plan = await _saved_plan(generation)
    if plan is None:  # refused when it was saved: nothing was stored and nobody follows it
        await alongside.close(None)
        _forget(generation)
        generation.finish({"type": "end", "status": Message.Status.STOPPED, "aborted": True})
        return
    first_token_at = rounds.first_token_at
    outcome = Outcome(
        status=status,
        content=generation.text,
        model=rounds.model,
        finish_reason=rounds.finish_reason,
        error_code=error_code,
        usage=rounds.usage if status == Message.Status.COMPLETE else None,
        time_to_first_token_ms=None if first_token_at is None else round((first_token_at - started) * 1000),
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    proposals = generation.proposals  # carried into the end frame: no query for them
    frame: dict[str, Any]
    try:
        frame = await _save_final(plan, outcome, proposals)
        if error_message:
            frame["error"]["message"] = error_message
    except Exception:
        logger.exception("saving answer %s failed", plan.message_uuid)
        frame = {
            "type": "end",
            "message_id": plan.message_uuid,
            "status": Message.Status.ERROR,
            "usage": None,
            "html": await database_sync_to_async(render_markdown)(outcome.content),
            "error": {"code": "internal_error", "message": "The answer could not be saved."},
        }
        if proposals:
            frame["proposals"] = proposals
    # The status broadcast ("idle") goes before the `end` frame: once a follower has its end, the
    # generation has nothing left to do (a test's event loop, for one, may close right after).
    await alongside.close(plan)
    _forget(generation)
    generation.finish(frame)


# A database restarting (or failing over) answers "connection refused" or drops connections for a
# few seconds: the final save is tried again over about 15 s before the answer is given up.
SAVE_RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


async def _save_final(plan: GenerationPlan, outcome: Outcome, proposals: list[dict[str, Any]]) -> dict[str, Any]:
    for attempt, delay in enumerate((*SAVE_RETRY_DELAYS, None)):
        try:
            return await database_sync_to_async(_finish)(plan, outcome, proposals)
        except (OperationalError, InterfaceError):
            if delay is None:
                raise
            if attempt == 0:
                logger.warning("saving answer %s failed on the database connection; retrying", plan.message_uuid)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def _finish(plan: GenerationPlan, outcome: Outcome, proposals: list[dict[str, Any]]) -> dict[str, Any]:
    # The answer's markdown is rendered here too, off the event loop that relays every other answer.
    counted = None if plan.monthly_chats is None else (plan.usage_key, plan.monthly_chats)
    return end_frame(services.message_finish(plan=plan, outcome=outcome), proposals=proposals, counted=counted)


def _forget(generation: Generation) -> None:
    conversation_id = generation.conversation_id
    if conversation_id is not None and _by_conversation.get(conversation_id) is generation:
        del _by_conversation[conversation_id]
