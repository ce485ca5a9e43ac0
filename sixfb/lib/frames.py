"""JSON frames on our websockets (`/ws/live/`, `/ws/chat/<uuid>/`): one set of rules for both.

A frame is a JSON object with a string ``type``; anything else is answered with an ``error`` frame
(``bad_frame``), never by closing the socket.
"""

from __future__ import annotations

import json
from typing import Any


def parse_frame(text_data: str | None, bytes_data: bytes | None, *, max_bytes: int) -> dict[str, Any] | str:
    """The frame as a dict with a string ``type``, or a message saying what is wrong with it."""
    if text_data is None:
        return "Frames must be JSON text, not binary."
    if len(text_data.encode()) > max_bytes:
        return f"Frames must be at most {max_bytes} bytes."
    try:
        frame = json.loads(text_data)
    except ValueError:
        return "Frames must be a JSON object."
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        return "Frames must be a JSON object with a string 'type'."
    return frame


class JsonFramesMixin:
    """``send_json`` and ``send_error`` for an ``AsyncWebsocketConsumer``."""

    async def send_json(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(payload))  # type: ignore[attr-defined]

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
