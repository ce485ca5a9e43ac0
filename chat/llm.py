"""The model seam: the only module that imports ``openai``.

``stream_chat`` yields ``Delta`` events, then (when the model called tools) one ``ToolCalls``, then
one ``Finish``. It talks to any OpenAI-compatible server (``OPENAI_BASE_URL``: OpenAI, vLLM,
Ollama, LM Studio, llama.cpp), with short timeouts and retries only before the first token: the
SDK retries the HTTP request (408/409/429/5xx, honouring retry-after) and never a stream that has
started. Failures become ``LLMError`` with a stable ``code``. With neither a key nor a base URL configured, an offline
demo provider streams the demo answer it is given (chat.demo writes it) through the same path.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from django.conf import settings

from chat.llm_tool_calls import MAX_TOOL_ARGUMENT_CHARS as MAX_TOOL_ARGUMENT_CHARS
from chat.llm_tool_calls import MAX_TOOL_CALL_ID_CHARS as MAX_TOOL_CALL_ID_CHARS
from chat.llm_tool_calls import MAX_TOOL_CALLS as MAX_TOOL_CALLS
from chat.llm_tool_calls import MAX_TOOL_NAME_CHARS as MAX_TOOL_NAME_CHARS
from chat.llm_tool_calls import ToolCall as ToolCall
from chat.llm_tool_calls import ToolCallAssembler, ToolCalls, UnreadableToolCall

if TYPE_CHECKING:
    from openai import AsyncOpenAI

DEMO_MODEL = "demo"
CUT_OFF = "The AI model's answer was cut off."
UNREADABLE_TOOL_CALL = "The AI model sent a tool call we could not read."
# A local server (llama.cpp, Ollama) needs no key, but the SDK insists on one.
NO_KEY_PLACEHOLDER = "sk-no-key-required"


# What the upstream sends is stored and shown: bound it to what the database and a browser take.
MAX_TOKEN_COUNT = 2**31 - 1  # PostgreSQL's integer
MODEL_NAME_LENGTH = 100
FINISH_REASON_LENGTH = 32
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without NUL (PostgreSQL refuses it) and with lone surrogates (UTF-8 cannot hold
    them) replaced; the common case, plain text, is checked and returned as it is."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return text


def _token_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN
        return 0
    return int(min(max(value, 0), MAX_TOKEN_COUNT))


def _label(value: object, length: int) -> str | None:
    """A model name or finish reason from the upstream, cleaned and cut to fit its column."""
    return clean_text(value)[:length] if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Delta:
    text: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class Finish:
    finish_reason: str
    model: str
    usage: Usage | None  # None when the server sent no usage chunk


class LLMError(Exception):
    """A failed generation. ``code`` is stable (it reaches clients); ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_demo() -> bool:
    return not (settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL)


def default_model() -> str:
    return DEMO_MODEL if is_demo() else settings.OPENAI_MODEL


# One client per event loop: connection pools belong to the loop that opened them. Each client is
# closed when its loop shuts down: asyncio.run (uvicorn, tests) closes a loop's unfinished async
# generators before closing it, and a keeper generator is parked for each client, so no "unclosed
# client session" error is logged (or sent to Sentry) when a process stops.
_clients: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, tuple[tuple, AsyncOpenAI, AsyncGenerator[None, None]]
] = weakref.WeakKeyDictionary()


_tasks: set[asyncio.Task] = set()


def _in_background(loop: asyncio.AbstractEventLoop, coroutine: Any) -> None:
    task = loop.create_task(coroutine)
    _tasks.add(task)  # the loop keeps only a weak reference to its tasks
    task.add_done_callback(_tasks.discard)


async def _keeper(client: AsyncOpenAI) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await client.close()


def _client() -> AsyncOpenAI:
    import httpx2
    from openai import AsyncOpenAI, DefaultAioHttpClient

    config = (
        settings.OPENAI_API_KEY,
        settings.OPENAI_BASE_URL,
        settings.OPENAI_CONNECT_TIMEOUT_SECONDS,
        settings.OPENAI_READ_TIMEOUT_SECONDS,
        settings.OPENAI_MAX_RETRIES,
    )
    loop = asyncio.get_running_loop()
    cached = _clients.get(loop)
    if cached is not None:
        if cached[0] == config:
            return cached[1]
        _in_background(loop, cached[2].aclose())  # the settings changed: close the old client
    key, base_url, connect, read, retries = config
    timeout = httpx2.Timeout(read, connect=connect)
    client = AsyncOpenAI(
        api_key=key or NO_KEY_PLACEHOLDER,
        base_url=base_url or None,
        timeout=timeout,
        max_retries=retries,
        # The SDK's aiohttp transport (the openai[aiohttp] extra): its C parser reads a streamed
        # chunk for about half the CPU of the default pure-Python HTTP stack (docs/benchmarks.md).
        http_client=DefaultAioHttpClient(timeout=timeout),
    )
    keeper = _keeper(client)
    _in_background(loop, anext(keeper))  # runs it to its yield: from then on the loop knows it
    _clients[loop] = (config, client, keeper)
    return client


def warm_up() -> None:
    """Import the SDK and load the tokenizer at server start, not during someone's first answer."""
    import openai  # noqa: F401

    from chat import tokens

    tokens.count_text("warm up", model=default_model())


def _error_from(exc: Exception) -> LLMError:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return LLMError("upstream_timeout", "The AI model took too long to answer. Please try again.")
    if isinstance(exc, openai.APIConnectionError):
        return LLMError("upstream_unavailable", "Could not reach the AI model. Please try again shortly.")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return LLMError("upstream_auth", "The AI model refused our credentials. An administrator has to fix the key.")
    if isinstance(exc, openai.RateLimitError):
        return LLMError("upstream_rate_limited", "The AI model is busy right now. Please try again in a minute.")
    if isinstance(exc, openai.InternalServerError):
        return LLMError("upstream_unavailable", "The AI model had a problem. Please try again shortly.")
    if isinstance(exc, openai.APIStatusError):
        return LLMError("upstream_rejected", "The AI model rejected the request.")
    if isinstance(exc, openai.APIError):  # an error event in the middle of the stream
        return LLMError("upstream_error", "The AI model stopped with an error part-way through.")
    return LLMError("upstream_error", "The AI model failed unexpectedly.")


# Without tools no ``ToolCalls`` can come, and a caller that passes none keeps the narrower type.
@overload
def stream_chat(
    *,
    messages: list[dict[str, Any]],
    model: str,
    temperature: float,
    max_tokens: int,
    demo_text: str = "",
    tools: None = None,
) -> AsyncIterator[Delta | Finish]: ...
@overload
def stream_chat(
    *,
    messages: list[dict[str, Any]],
    model: str,
    temperature: float,
    max_tokens: int,
    demo_text: str = "",
    tools: list[dict[str, Any]] | None,
) -> AsyncIterator[Delta | ToolCalls | Finish]: ...
async def stream_chat(
    *,
    messages: list[dict[str, Any]],
    model: str,
    temperature: float,
    max_tokens: int,
    demo_text: str = "",
    tools: list[dict[str, Any]] | None = None,
) -> AsyncIterator[Delta | ToolCalls | Finish]:
    """Stream one reply (in demo mode, ``demo_text``; the demo never calls tools). Cancelling the
    consuming task closes the upstream connection at once.

    ``tools`` (OpenAI's ``[{"type": "function", "function": {...}}]``) is sent as given when not
    empty; ``messages`` may hold assistant turns with ``tool_calls`` and ``tool`` turns, sent as
    they are. The calls the model makes are assembled from their fragments and yielded as one
    ``ToolCalls`` right before ``Finish``; an unreadable or oversized call is an ``LLMError``.
    Without tools, stray tool-call fragments are ignored as before and no ``ToolCalls`` comes."""
    if is_demo():
        async for event in _demo_stream(demo_text):
            yield event
        return

    import openai

    body: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if tools:
        body["tools"] = tools  # no parallel_tool_calls: some local servers refuse the field
    try:
        # The SDK's own request path (auth, base URL, timeouts, retries before the first byte,
        # status errors, SSE decoding, mid-stream error events), asking for plain dicts: building
        # typed chunk models cost about a third of a millisecond per token on a 2-core machine,
        # more than everything else we do with a token (docs/benchmarks.md).
        stream = await _client().post(
            "/chat/completions", body=body, cast_to=object, stream=True, stream_cls=openai.AsyncStream[object]
        )
    except openai.OpenAIError as exc:
        raise _error_from(exc) from exc

    finish_reason, served_model, usage = "", model, None
    tool_calls = ToolCallAssembler() if tools else None
    try:
        async for chunk in stream:
            if not isinstance(chunk, dict):
                continue
            served_model = _label(chunk.get("model"), MODEL_NAME_LENGTH) or served_model
            chunk_usage = chunk.get("usage")
            if isinstance(chunk_usage, dict):
                usage = Usage(
                    _token_count(chunk_usage.get("prompt_tokens")), _token_count(chunk_usage.get("completion_tokens"))
                )
            for choice in chunk.get("choices") or ():
                delta = choice.get("delta") or {}
                content = delta.get("content")
                if isinstance(content, str) and content:
                    content = clean_text(content)
                    if content:
                        yield Delta(content)
                if tool_calls is not None:
                    tool_calls.add(delta.get("tool_calls"))
                finish_reason = _label(choice.get("finish_reason"), FINISH_REASON_LENGTH) or finish_reason
    except openai.APITimeoutError as exc:
        raise _error_from(exc) from exc
    except openai.APIConnectionError as exc:  # the connection dropped part-way (an unfinished chunked body)
        raise LLMError("upstream_error", CUT_OFF) from exc
    except openai.OpenAIError as exc:
        raise _error_from(exc) from exc
    except UnreadableToolCall as exc:
        raise LLMError("upstream_error", UNREADABLE_TOOL_CALL) from exc
    except (TypeError, ValueError, AttributeError) as exc:  # a chunk that is not the documented shape
        raise LLMError("upstream_error", "The AI model sent an answer we could not read.") from exc
    finally:
        await stream.close()
    if not finish_reason:
        # The body ended without a finish chunk: the server closed the connection part-way.
        raise LLMError("upstream_error", CUT_OFF)
    if tool_calls is not None:
        try:
            calls = tool_calls.result(clean=clean_text)
        except UnreadableToolCall as exc:
            raise LLMError("upstream_error", UNREADABLE_TOOL_CALL) from exc
        if calls is not None:
            yield calls
    yield Finish(finish_reason=finish_reason, model=served_model, usage=usage)


# When the caller has no demo text (it always should): a neutral line, never set-up instructions.
DEMO_FALLBACK = "This is a demo answer."


async def _demo_stream(demo_text: str) -> AsyncIterator[Delta | Finish]:
    """The demo answer (chat.demo wrote it) word by word, at a reader's pace (CHAT_DEMO_WORD_DELAY_MS)."""
    gap = settings.CHAT_DEMO_WORD_DELAY_MS / 1000
    for index, word in enumerate((demo_text or DEMO_FALLBACK).split(" ")):
        await asyncio.sleep(gap)
        yield Delta(word if index == 0 else " " + word)
    yield Finish(finish_reason="stop", model=DEMO_MODEL, usage=None)


def describe_provider() -> dict[str, Any]:
    """For pages: whether replies are real, and from where (never the key)."""
    return {"demo": is_demo(), "model": default_model()}
