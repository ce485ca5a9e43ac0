"""A proposal as the chat's ``proposal`` frame carries it (docs/chat.md), without ``type``: the
loop publishes it when the model proposes, and a decision sends it again with the new status."""

from __future__ import annotations

from typing import Any

from actions.models import Proposal, ToolCall


def proposal_frame(proposal: Proposal) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "id": str(proposal.uuid),
        "message_id": str(proposal.message.uuid),
        "tool": proposal.tool,
        "summary": proposal.summary,
        "details": proposal.details,
        "expires_at": proposal.expires_at.isoformat(),
        "status": proposal.status,
    }
    if proposal.result is not None:
        frame["result"] = proposal.result
    return frame


def call_frame(call: ToolCall) -> dict[str, Any]:
    """A recorded call as its last ``tool`` frame said it (a proposal was a call done)."""
    status = "error" if call.status == ToolCall.Status.ERROR else "done"
    return {"name": call.name, "status": status, "summary": call.summary}
