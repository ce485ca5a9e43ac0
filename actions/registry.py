"""The one registry of tools an agent can call.

A tool is a small typed function with a JSON schema, run for one shop (``ToolContext``). Read tools
run at once and return a ``ToolResult`` for the model; write tools never run on the model's word:
``propose`` checks the arguments against the shop's data and describes the change
(``ProposalDraft``), and ``execute`` runs it through the same services staff use, only after a
person approved it (actions.services). Which agent may call which tool is data: ``AgentTool``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from agents.models import Agent
from sixfb.models import Membership, Shop, User

# What the model reads back from one call, serialised; longer results are refused by the loop.
MAX_RESULT_CHARS = 12_000
# Rows a read tool returns at most (it says when there were more).
MAX_ROWS = 50


class ToolError(Exception):
    """A call that cannot be done as asked. ``code`` is stable; ``message`` is returned to the model
    (and shown in the ``tool`` frame), so it names the problem without leaking other shops' data."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ToolContext:
    """Who a call runs for: every query in a tool is scoped to ``shop``."""

    shop: Shop
    user: User
    membership: Membership
    agent: Agent
    now: dt.datetime
    conversation_id: int | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class ToolResult:
    summary: str  # one line for people: the ``tool`` frame and the audit ("12 free slots on Thursday")
    data: Any  # JSON-able, what the model reads


@dataclass(frozen=True)
class ProposalDraft:
    summary: str  # one line: "Book Sam Lee for a Skin fade, Thu 5 Dec 14:00 with Alex"
    details: dict[str, Any]  # JSON-able, what the approval card shows
    arguments: dict[str, Any]  # the checked arguments ``execute`` will be given


@dataclass(frozen=True)
class Tool:
    name: str  # ^[a-z][a-z0-9_]{1,63}$, what the model calls
    description: str
    parameters: dict[str, Any]  # JSON schema of an object
    kind: Literal["read", "write"]
    run: Callable[[ToolContext, dict[str, Any]], ToolResult] | None = None  # read tools
    propose: Callable[[ToolContext, dict[str, Any]], ProposalDraft] | None = None  # write tools
    execute: Callable[[ToolContext, dict[str, Any]], ToolResult] | None = None  # write tools, once approved
    shop_wide: bool = True  # a barber may not approve it
    validator: Draft202012Validator = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        Draft202012Validator.check_schema(self.parameters)
        if self.kind == "read" and self.run is None:
            raise ValueError(f"read tool {self.name} has no run")
        if self.kind == "write" and (self.propose is None or self.execute is None):
            raise ValueError(f"write tool {self.name} needs propose and execute")
        object.__setattr__(self, "validator", Draft202012Validator(self.parameters))

    def check(self, arguments: object) -> dict[str, Any]:
        """The arguments if they fit the schema, else ToolError("invalid_arguments")."""
        if not isinstance(arguments, dict):
            raise ToolError("invalid_arguments", "The arguments must be a JSON object.")
        error = next(iter(sorted(self.validator.iter_errors(arguments), key=lambda e: list(e.path))), None)
        if error is not None:
            raise ToolError("invalid_arguments", _describe(error))
        return arguments

    def openai_spec(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }


def _describe(error: ValidationError) -> str:
    where = ".".join(str(part) for part in error.absolute_path) or "arguments"
    return f"{where}: {error.message}"[:300]


_tools: dict[str, Tool] = {}


def tool_register(tool: Tool) -> Tool:
    if tool.name in _tools and _tools[tool.name] is not tool:
        raise ValueError(f"two tools are named {tool.name}")
    _tools[tool.name] = tool
    return tool


def tool_get(name: object) -> Tool | None:
    return _tools.get(name) if isinstance(name, str) else None


def tool_names() -> list[str]:
    return sorted(_tools)
