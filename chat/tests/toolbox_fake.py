"""A small ``Toolbox`` (chat/toolbox.py) for chat's tests: the seam the actions app plugs into.

Tools: ``find_slots`` (a read: done), ``book`` (a write: proposes), ``broken`` (an error outcome the
model reads), ``explode`` (raises: a bug in a toolbox), ``slow`` (blocks until the test lets go).
``decide`` approves or declines the proposals it made and posts what came of it into the
conversation; an unknown id is ``not_found`` (ChatError), ``"locked"`` as summary refuses with a
plain AppError. Every call is recorded.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from chat.errors import ChatError
from chat.models import Conversation, Message
from chat.toolbox import Decision, ToolOutcome
from sixfb.errors import AppError


def _spec(name: str) -> dict[str, Any]:
    parameters = {"type": "object", "properties": {"day": {"type": "string"}}}
    return {
        "type": "function",
        "function": {"name": name, "description": f"The {name} tool.", "parameters": parameters},
    }


TOOL_NAMES = ("find_slots", "book", "broken", "explode", "slow")


class FakeToolbox:
    def __init__(self, *, tools: tuple[str, ...] = TOOL_NAMES) -> None:
        self.tools = tools
        self.specs_asked: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.decisions: list[dict[str, Any]] = []
        self.proposals: dict[str, dict[str, Any]] = {}  # id -> frame, with conversation_id and message pk
        self.slow_started = threading.Event()
        self.slow_release = threading.Event()
        self.slow_finished = threading.Event()
        self._lock = threading.Lock()

    def specs(self, *, shop, agent, user) -> list[dict[str, Any]]:
        self.specs_asked.append({"shop": shop.pk, "agent": agent.slug, "user": user.pk})
        return [_spec(name) for name in self.tools]

    def call(self, **kwargs: Any) -> ToolOutcome:
        with self._lock:
            self.calls.append(kwargs)
        name = kwargs["name"]
        if name == "find_slots":
            content = json.dumps({"slots": ["10:00", "11:30", "15:00"], "asked": json.loads(kwargs["arguments"])})
            return ToolOutcome(content, {"name": name, "status": "done", "summary": "3 free slots"})
        if name == "book":
            proposal_id = str(uuid.uuid4())
            proposal: dict[str, Any] = {
                "id": proposal_id,
                "summary": "Book Sam for a fade on Thursday at 10:00",
                "details": {"customer": "Sam", "start": "10:00"},
                "expires_at": "2030-01-01T00:00:00+00:00",
            }
            message = Message.objects.get(pk=kwargs["message_id"])
            with self._lock:
                self.proposals[proposal_id] = {
                    **proposal,
                    "status": "pending",
                    "result": None,
                    "message_id": str(message.uuid),
                    "_message_pk": message.pk,
                    "_conversation_id": kwargs["conversation_id"],
                }
            content = json.dumps({"proposed": proposal_id, "note": "Waiting for the owner's approval."})
            return ToolOutcome(content, {"name": name, "status": "done", "summary": "Proposed a booking"}, proposal)
        if name == "broken":
            content = json.dumps({"error": {"code": "invalid_arguments", "message": "day is required"}})
            return ToolOutcome(content, {"name": name, "status": "error", "summary": "day is required"})
        if name == "explode":
            raise RuntimeError("a bug in the toolbox")
        if name == "slow":
            self.slow_started.set()
            self.slow_release.wait(10)
            self.slow_finished.set()
            return ToolOutcome("{}", {"name": name, "status": "done", "summary": "slow done"})
        content = json.dumps({"error": {"code": "unknown_tool", "message": f"No tool {name}."}})
        return ToolOutcome(content, {"name": name, "status": "error", "summary": "unknown tool"})

    def _public(self, stored: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in stored.items() if not key.startswith("_")}

    def decide(self, *, user_id: int, proposal_id: object, approve: bool) -> Decision:
        self.decisions.append({"user_id": user_id, "proposal_id": proposal_id, "approve": approve})
        stored = self.proposals.get(str(proposal_id))
        if stored is None:
            raise ChatError("not_found", "No such proposal.")
        if stored["summary"] == "locked":
            raise AppError("not_allowed", "Only an owner or manager can approve this.", status=403)
        if stored["status"] != "pending":
            raise ChatError("proposal_closed", "This proposal was decided already.")
        conversation = Conversation.objects.get(pk=stored["_conversation_id"])
        if approve:
            stored.update(status="done", result={"summary": "booked"})
            content = f"Done: {stored['summary']}."
        else:
            stored.update(status="declined")
            content = f"Declined: {stored['summary']}."
        posted = Message.objects.create(
            conversation=conversation,
            shop_id=conversation.shop_id,
            role="assistant",
            content=content,
            status="complete",
        )
        return Decision(conversation.pk, self._public(stored), posted.pk)

    def proposal_frames(self, *, message_id: int) -> list[dict[str, Any]]:
        return [self._public(p) for p in self.proposals.values() if p["_message_pk"] == message_id]
