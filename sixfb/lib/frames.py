"""JSON frames on our websockets (`/ws/live/`, `/ws/chat/<uuid>/`): one set of rules for both.

A frame is a JSON object with a string ``type``; anything else is answered with an ``error`` frame
(``bad_frame``), never by closing the socket.
"""

from __future__ import annotations

import json
import time
from typing import Any


def parse_frame(text_data: str | None, bytes_data: bytes | None, *, max_bytes: int) -> dict[str, Any] | str:
    """The frame as a dict with a string ``type``, or a message saying what is wrong with it."""
    if text_data is None:
        return "Frames must be JSON text, not binary."
    if len(text_data.encode()) > max_bytes:
        return f"Frames must be at most {max_bytes} bytes."
    try:
        frame = json.loads(text_data)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return "Frames must be a JSON object."
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        return "Frames must be a JSON object with a string 'type'."
    return frame


class FrameBudget:
    """A token bucket per socket: ``rate`` frames a second, bursts up to ``burst``."""

    def __init__(self, *, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.at = time.monotonic()
        self.warned_at = -1.0

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def should_warn(self) -> bool:
        """At most one ``rate_limited`` answer a second, so a flood is not answered frame for frame."""
        now = time.monotonic()
        if now - self.warned_at < 1:
            return False
        self.warned_at = now
        return True


class JsonFramesMixin:
    """``send_json`` and ``send_error`` for an ``AsyncWebsocketConsumer``, and ``parse`` with a
    per-socket frame budget: frames past it are dropped, answered by one ``rate_limited`` error a
    second; the socket stays open."""

    frame_rate: float = 10.0
    frame_burst: int = 30
    _budget: FrameBudget | None = None

    async def parse(self, text_data: str | None, bytes_data: bytes | None, *, max_bytes: int) -> dict[str, Any] | None:
        """The frame, or None when it was refused (the error frame is already sent)."""
        if self._budget is None:
            self._budget = FrameBudget(rate=self.frame_rate, burst=self.frame_burst)
        if not self._budget.take():
            if self._budget.should_warn():
                await self.send_error("rate_limited", "Too many frames: slow down.")
            return None
        frame = parse_frame(text_data, bytes_data, max_bytes=max_bytes)
        if isinstance(frame, str):
            await self.send_error("bad_frame", frame)
            return None
        return frame

    async def send_json(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(payload))  # type: ignore[attr-defined]

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
