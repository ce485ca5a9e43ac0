"""The seam through which an answer calls tools (issue 18). chat does not know the tools: the app
that owns them (actions) registers a ``Toolbox`` at start-up, as the apps below chat register
their callables. With none registered, or the ``ai_agent_v2`` flag off, answers have no tools.

Every method is synchronous and runs in a database thread, never on the event loop. The loop that
calls ``call`` is chat/tool_rounds.py; ``decide`` answers the socket's ``approve`` and ``decline``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from agents.models import Agent
from sixfb.models import Shop, User


@dataclass(frozen=True)
class ToolOutcome:
    """What one tool call gave: the tool turn for the model, and the frames for the person."""

    content: str  # the ``tool`` message's content the model reads next (JSON text)
    tool_frame: dict[str, Any]  # {name, status: done|error, summary}; the stream adds type and message_id
    proposal_frame: dict[str, Any] | None = None  # {id, summary, details, expires_at} for a write tool


@dataclass(frozen=True)
class Decision:
    """What came of a person's approve or decline."""

    conversation_id: int
    # {id, summary, details, expires_at, status, result, message_id}: message_id is the uuid (text)
    # of the answer that proposed it; the consumer adds "type".
    proposal_frame: dict[str, Any]
    posted_message_id: int | None  # the assistant message the decision posted into the conversation


@dataclass(frozen=True)
class MessageActions:
    """An answer's tool calls as ``tool`` frames give them ({name, status, summary}) and its
    proposals as ``proposal`` frames do, oldest first (without ``type``)."""

    steps: list[dict[str, Any]]
    proposals: list[dict[str, Any]]


class Toolbox(Protocol):
    def specs(self, *, shop: Shop, agent: Agent, user: User) -> list[dict[str, Any]]:
        """The OpenAI ``tools`` list for an answer by ``agent`` to ``user`` (empty: no tools)."""
        ...

    def call(
        self,
        *,
        shop_id: int,
        agent_id: int,
        user_id: int,
        conversation_id: int,
        message_id: int,
        call_id: str,
        name: str,
        arguments: str,
        round: int,
    ) -> ToolOutcome:
        """Run (read) or propose (write) one call the model made, record it, never raise for the
        model's mistakes: they come back as an error outcome the model reads."""
        ...

    def decide(self, *, user_id: int, proposal_id: object, approve: bool) -> Decision:
        """Approve (the change runs, once) or decline a proposal as ``user_id``. A refused decision
        (not found, expired, closed, not allowed) raises ``chat.errors.ChatError`` (or another
        ``sixfb.errors.AppError``) with a code and a message for the person."""
        ...

    def message_actions(self, *, message_ids: list[int]) -> dict[int, MessageActions]:
        """What each answer did, for the conversation page (only answers that did something)."""
        ...

    def proposal_frames(self, *, message_id: int) -> list[dict[str, Any]]:
        """The proposals answer ``message_id`` made, oldest first, each as ``decide`` gives it
        (status pending or decided): for an answer followed from its row (another process)."""
        ...


_toolbox: Toolbox | None = None


def toolbox_register(toolbox: Toolbox) -> None:
    global _toolbox
    _toolbox = toolbox


def toolbox() -> Toolbox | None:
    return _toolbox
