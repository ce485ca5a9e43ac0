"""The server's frames about an answer (DESIGN's websocket protocol; the SSE API sends the same)."""

from __future__ import annotations

from typing import Any

from chat import selectors
from chat.markdown import render_markdown
from chat.models import Message
from chat.toolbox import toolbox

ERROR_MESSAGES = {"interrupted": "The answer was interrupted. Please try again."}


def start_frame(message_uuid: str, *, text: str = "", resumed: bool = False) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "start", "message_id": message_uuid}
    if resumed:
        frame.update(resumed=True, text=text)
    return frame


def delta_frame(message_uuid: str, text: str) -> dict[str, Any]:
    return {"type": "delta", "message_id": message_uuid, "text": text}


def end_frame(
    message: Message, *, proposals: list[dict[str, Any]] | None = None, counted: tuple[str, int] | None = None
) -> dict[str, Any]:
    """The ``end`` frame; ``proposals`` (the answer's ``proposal`` frames) only when it made any;
    ``counted``: the shop's count as admitting the answer left it (``selectors.chat_quota``)."""
    frame: dict[str, Any] = {
        "type": "end",
        "message_id": str(message.uuid),
        "status": message.status,
        "finish_reason": message.finish_reason,
        "usage": {
            "prompt_tokens": message.prompt_tokens,
            "completion_tokens": message.completion_tokens,
            "estimated": message.usage_estimated,
            "cost_usd": None if message.cost_usd is None else str(message.cost_usd),
        },
        "html": render_markdown(message.content),
    }
    if message.is_demo_answer:
        frame["demo"] = True
    if message.status == Message.Status.ERROR:
        frame["error"] = {
            "code": message.error_code or "upstream_error",
            "message": ERROR_MESSAGES.get(message.error_code, "The answer could not be finished. Please retry."),
        }
    quota = selectors.chat_quota(shop_id=message.shop_id, counted=counted)  # the shop's chats after this answer
    if quota is not None:
        frame["quota"] = quota
    if proposals:
        frame["proposals"] = proposals
    return frame


def stored_end_frame(message: Message) -> dict[str, Any]:
    """The ``end`` frame of an answer written in another process: its proposals asked of the toolbox."""
    registered = toolbox()
    proposals = None
    if registered is not None:
        proposals = [proposal_frame(frame) for frame in registered.proposal_frames(message_id=message.pk)]
    return end_frame(message, proposals=proposals)


def proposal_frame(proposal: dict[str, Any]) -> dict[str, Any]:
    """A proposal as the toolbox gives it ({id, summary, details, expires_at, status, result,
    message_id}), as a frame."""
    return {"type": "proposal", **proposal}
