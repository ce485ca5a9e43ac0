"""The rounds of one answer (issue 18): the model streams text and may end a round with tool calls;
each call runs through the registered toolbox (chat/toolbox.py) in a thread, its result goes back
to the model as a ``tool`` turn, and the model is asked again, until it answers in words.

While tools run, the generation publishes ``tool`` frames (running, then done or error) and a
``proposal`` frame for each write the model proposed. After ``CHAT_TOOL_MAX_ROUNDS`` rounds of
calls the model is asked once more without tools; if it still wants to call one, the answer ends
with a note saying so. Without tools this is one round, exactly as before: no query, no thread.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

from chat import llm
from chat.toolbox import ToolOutcome, toolbox

if TYPE_CHECKING:
    from chat.services import GenerationPlan
    from chat.streams import Generation

logger = logging.getLogger(__name__)
T = TypeVar("T")

ROUND_BREAK = "\n\n"  # between the text of one round and the next, so paragraphs do not run together
TOOL_FAILED = "The tool failed on our side."

# Tools run in threads of their own, off Channels' one database thread (heartbeats and final saves
# use it) and off the request threads: a slow tool never delays another answer's first token.
_tool_threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="chat-tools")


def _in_tool_thread(func: Callable[..., T]) -> Callable[..., Any]:
    @functools.wraps(func)
    def call_and_release(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()  # back to the pool at once, not held by an idle thread

    return database_sync_to_async(call_and_release, thread_sensitive=False, executor=_tool_threads)


@dataclass
class Rounds:
    """What the rounds of one answer came to, kept up to date as they run (a stop can come anytime)."""

    model: str
    first_token_at: float | None = None  # the first text of any round
    finish_reason: str = ""
    tool_rounds: int = 0  # rounds that ended in tool calls
    prompt_tokens: int = 0
    completion_tokens: int = 0
    usage_missing: bool = False  # a round without a usage chunk: the whole answer is counted instead

    @property
    def usage(self) -> llm.Usage | None:
        """Summed over the rounds; None (counted, estimated) when a round lacked it or none finished."""
        if self.usage_missing or not self.finish_reason:
            return None
        return llm.Usage(self.prompt_tokens, self.completion_tokens)

    def round_finished(self, finish: llm.Finish) -> None:
        self.finish_reason, self.model = finish.finish_reason, finish.model
        if finish.usage is None:
            self.usage_missing = True
        else:
            self.prompt_tokens += finish.usage.prompt_tokens
            self.completion_tokens += finish.usage.completion_tokens


def stopped_note(rounds: int) -> str:
    return f"(The agent stopped after {rounds} tool round{'s' if rounds != 1 else ''}.)"


async def stream_rounds(generation: Generation, rounds: Rounds) -> None:
    """Write the answer into ``generation``, round after round. Raises what the model's stream
    raises (``LLMError``), and ``CancelledError`` on a stop, whatever round it comes in."""
    request = generation.request
    tools = request.tools
    messages: list[dict[str, Any]] = request.messages  # copied before a round adds to it
    while True:
        offered = tools if tools and rounds.tool_rounds < settings.CHAT_TOOL_MAX_ROUNDS else None
        round_start = generation.length
        calls: tuple[llm.ToolCall, ...] = ()
        async for event in llm.stream_chat(
            messages=messages,
            model=request.model,
            temperature=request.temperature,
            max_tokens=request.max_tokens,
            demo_text=request.demo_text,
            tools=offered,
        ):
            if isinstance(event, llm.Delta):
                if rounds.first_token_at is None:
                    rounds.first_token_at = time.monotonic()
                elif generation.length == round_start and not generation.text.endswith("\n"):
                    generation.append(ROUND_BREAK)  # a later round's first text, after earlier text
                generation.append(event.text)
            elif isinstance(event, llm.ToolCalls):
                calls = event.calls
            else:
                rounds.round_finished(event)
        if not calls:
            if tools and offered is None and rounds.finish_reason == "tool_calls":
                # Asked without tools, the model still wanted one (its calls were not even read).
                _append_paragraph(generation, stopped_note(rounds.tool_rounds))
            return
        plan = await asyncio.shield(generation.planned)  # a stop while waiting raises CancelledError
        if plan is None:  # refused when it was saved: nothing runs
            return
        rounds.tool_rounds += 1
        text = generation.text[round_start:].strip()
        messages = [*messages, _assistant_turn(text, calls)]
        for call in calls:
            content = await _run_call(generation, plan, call, rounds.tool_rounds)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": content})


def _append_paragraph(generation: Generation, text: str) -> None:
    if generation.length and not generation.text.endswith("\n"):
        generation.append(ROUND_BREAK)
    generation.append(text)


def _assistant_turn(text: str, calls: tuple[llm.ToolCall, ...]) -> dict[str, Any]:
    return {
        "role": "assistant",
        # "" rather than None when the round had no text: OpenAI takes either, and llama.cpp's
        # server (llama-cpp-python) refuses an assistant turn whose content is null with a 500.
        "content": text,
        "tool_calls": [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
            for call in calls
        ],
    }


async def _run_call(generation: Generation, plan: GenerationPlan, call: llm.ToolCall, round_: int) -> str:
    """Run one call, publishing its frames; the tool turn's content the model reads next."""
    said = {"type": "tool", "message_id": plan.message_uuid}
    generation.publish({**said, "name": call.name, "status": "running", "summary": ""})
    try:
        outcome = await _in_tool_thread(_call)(plan, call, round_)
    except Exception:  # the toolbox promises not to raise: a bug, said once and survived
        logger.exception("tool call %r of answer %s failed", call.name, plan.message_uuid)
        generation.publish({**said, "name": call.name, "status": "error", "summary": TOOL_FAILED})
        return json.dumps({"error": {"code": "tool_failed", "message": TOOL_FAILED}})
    generation.publish({"name": call.name, **outcome.tool_frame, **said})
    if outcome.proposal_frame is not None:
        proposal = {"status": "pending", **outcome.proposal_frame}
        generation.publish({**proposal, "type": "proposal", "message_id": plan.message_uuid})
    return outcome.content


def _call(plan: GenerationPlan, call: llm.ToolCall, round_: int) -> ToolOutcome:
    registered = toolbox()
    if registered is None or plan.user_id is None:
        raise RuntimeError("tools were offered but there is no toolbox or person to run them for")
    return registered.call(
        shop_id=plan.shop_id,
        agent_id=plan.agent_id,
        user_id=plan.user_id,
        conversation_id=plan.conversation_id,
        message_id=plan.message_id,
        call_id=call.id,
        name=call.name,
        arguments=call.arguments,
        round=round_,
    )
