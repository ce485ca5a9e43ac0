"""A PostHog capture endpoint on loopback that records what the real SDK sends."""

from __future__ import annotations

import json
import threading
from typing import Any

from tests.fakes.loopback import LoopbackServer, QuietHandler


class FakePostHog:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.read_body()
                try:
                    payload = json.loads(body or b"{}")
                except ValueError:
                    self.send_response(400)
                    self.end_headers()
                    return
                batch = payload.get("batch") if isinstance(payload, dict) else None
                with fake._lock:
                    fake.events.extend(batch if isinstance(batch, list) else [payload])
                self.answer(200, {"status": 1})

        self._server = LoopbackServer(Handler)

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def named(self, event: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.events if e.get("event") == event]
