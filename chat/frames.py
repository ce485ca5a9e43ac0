"""The server's frames about an answer (DESIGN's websocket protocol; the SSE API sends the same)."""

from __future__ import annotations

from typing import Any

from chat.markdown import render_markdown
from chat.models import Message

ERROR_MESSAGES = {"interrupted": "The answer was interrupted. Please try again."}


def start_frame(message_uuid: str, *, text: str = "", resumed: bool = False) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "start", "message_id": message_uuid}
    if resumed:
        frame.update(resumed=True, text=text)
    return frame


def delta_frame(message_uuid: str, text: str) -> dict[str, Any]:
    return {"type": "delta", "message_id": message_uuid, "text": text}


def end_frame(message: Message) -> dict[str, Any]:
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
    if message.status == Message.Status.ERROR:
        frame["error"] = {
            "code": message.error_code or "upstream_error",
            "message": ERROR_MESSAGES.get(message.error_code, "The answer could not be finished. Please retry."),
        }
    return frame
