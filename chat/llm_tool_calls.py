"""Tool calls at the wire: the streamed ``delta.tool_calls`` fragments of one response, assembled.

Part of the model seam (``chat.llm`` re-exports the public names; nothing here imports ``openai``).
OpenAI streams each call as a first fragment ``{"index": i, "id": "call_...", "type": "function",
"function": {"name": "...", "arguments": ""}}`` and then pieces of its arguments, ``{"index": i,
"function": {"arguments": "<piece>"}}``. A response may hold several calls (indexes 0, 1, ...);
OpenAI sends them one after the other, other servers interleave them, and some send a whole call
in one fragment. The model is untrusted: a fragment that is not of that shape, a call without a
name, or a bound passed raises ``UnreadableToolCall``; nothing here grows without limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

MAX_TOOL_CALLS = 8  # per response: indexes 0 .. MAX_TOOL_CALLS - 1
MAX_TOOL_ARGUMENT_CHARS = 32_000  # per call, the assembled JSON text
MAX_TOOL_NAME_CHARS = 64  # OpenAI's own limit for a function name
MAX_TOOL_CALL_ID_CHARS = 128  # OpenAI's are 29 ("call_" + 24); vLLM's and others' are longer


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # the JSON text the model sent, as sent: the caller parses and validates it


@dataclass(frozen=True)
class ToolCalls:
    calls: tuple[ToolCall, ...]  # ordered by the index the model gave them


class UnreadableToolCall(Exception):
    """A tool-call fragment not of the documented shape, a call without a name, or a bound passed."""


@dataclass
class _Partial:
    id: str = ""
    name: str = ""
    pieces: list[str] = field(default_factory=list)
    size: int = 0


def _optional_str(value: object) -> str:
    """``value`` when it is a string, ``""`` when it is absent (None); anything else is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UnreadableToolCall("a tool-call field that is not a string")
    return value


class ToolCallAssembler:
    """Collects the fragments of one response (``add`` per delta) and hands back the calls (``result``)."""

    def __init__(self) -> None:
        self._calls: dict[int, _Partial] = {}

    def add(self, fragments: object) -> None:
        """One delta's ``tool_calls`` value: a list of fragments (None or [] when it has none)."""
        if fragments is None:
            return
        if not isinstance(fragments, list):
            raise UnreadableToolCall("tool_calls is not a list")
        for fragment in fragments:
            self._add_one(fragment)

    def _add_one(self, fragment: object) -> None:
        if not isinstance(fragment, dict):
            raise UnreadableToolCall("a tool-call fragment is not an object")
        index = fragment.get("index")
        if isinstance(index, bool) or not isinstance(index, int):
            raise UnreadableToolCall("a tool-call fragment without an integer index")
        if not 0 <= index < MAX_TOOL_CALLS:
            raise UnreadableToolCall("more tool calls than we take")
        if fragment.get("type") not in (None, "", "function"):
            raise UnreadableToolCall("a tool call that is not a function call")
        call = self._calls.get(index)
        if call is None:
            call = self._calls[index] = _Partial()
        call_id = _optional_str(fragment.get("id"))
        if call_id and not call.id:  # the first fragment carries it; a server that repeats it is fine
            if len(call_id) > MAX_TOOL_CALL_ID_CHARS:
                raise UnreadableToolCall("a tool-call id that is too long")
            call.id = call_id
        function = fragment.get("function")
        if function is None:
            return
        if not isinstance(function, dict):
            raise UnreadableToolCall("a tool-call function that is not an object")
        name = _optional_str(function.get("name"))
        if name:
            if len(name) > MAX_TOOL_NAME_CHARS:
                raise UnreadableToolCall("a tool name that is too long")
            if call.name and call.name != name:
                raise UnreadableToolCall("a tool call renamed part-way")
            call.name = name
        arguments = _optional_str(function.get("arguments"))
        if arguments:
            call.size += len(arguments)
            if call.size > MAX_TOOL_ARGUMENT_CHARS:
                raise UnreadableToolCall("tool-call arguments that are too long")
            call.pieces.append(arguments)

    def result(self, *, clean: Callable[[str], str]) -> ToolCalls | None:
        """The assembled calls in index order (None when the response had none), each piece passed
        through ``clean``; a missing id becomes ``call_<index>``."""
        if not self._calls:
            return None
        calls = []
        for index in sorted(self._calls):
            partial = self._calls[index]
            name = clean(partial.name)
            if not name:
                raise UnreadableToolCall("a tool call without a name")
            call_id = clean(partial.id) or f"call_{index}"
            calls.append(ToolCall(id=call_id, name=name, arguments=clean("".join(partial.pieces))))
        if len({call.id for call in calls}) != len(calls):
            raise UnreadableToolCall("two tool calls with one id")
        return ToolCalls(tuple(calls))
