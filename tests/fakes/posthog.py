"""A PostHog capture endpoint on loopback that records what the real SDK (or posthog-js) sends.

Modes: ``answer`` (the default) records and answers at once; ``hang`` accepts each request and
holds it unanswered until ``release()``, as a PostHog that stopped answering would; ``refuse``
listens nowhere, so every connection is refused.
"""

from __future__ import annotations

import base64
import gzip
import json
import socket
import threading
import urllib.parse
from typing import Any, Literal

from tests.fakes.loopback import LoopbackServer, QuietHandler

Mode = Literal["answer", "hang", "refuse"]


class FakePostHog:
    def __init__(self, mode: Mode = "answer") -> None:
        self.mode = mode
        self.events: list[dict[str, Any]] = []
        self.raw: list[tuple[str, bytes]] = []  # (path, start of body) of each request, to debug encodings
        self.requests = 0  # requests received (posthog-js and the SDK alike)
        self.answered = 0  # requests answered; in ``hang`` mode none until ``release()``
        self.arrived = threading.Event()  # set by the first request
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._refused_port: int | None = None
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.read_body()
                fake.raw.append((self.path, body[:2000]))
                with fake._lock:
                    fake.requests += 1
                fake.arrived.set()
                if fake.mode == "hang":
                    fake._released.wait()
                fake._record(body)
                self.answer(200, {"status": 1})
                with fake._lock:
                    fake.answered += 1

            def do_GET(self) -> None:
                self.do_POST()

        self._server = LoopbackServer(Handler)

    @staticmethod
    def _decoded(body: bytes) -> bytes:
        """posthog-js sends gzip (``compression=gzip-js``) or a form field ``data`` in base64; the
        server SDK plain JSON."""
        if body[:2] == b"\x1f\x8b":
            return gzip.decompress(body)
        if body.startswith(b"data="):
            data = urllib.parse.parse_qs(body.decode("ascii", "replace")).get("data", [""])[0]
            return base64.b64decode(data + "=" * (-len(data) % 4))
        return body

    def _record(self, body: bytes) -> None:
        try:
            payload = json.loads(self._decoded(body) or b"{}")
        except (ValueError, OSError, EOFError):
            return  # an encoding this fake does not know: counted, not parsed
        batch = payload.get("batch") if isinstance(payload, dict) else payload
        with self._lock:
            self.events.extend(e for e in (batch if isinstance(batch, list) else [payload]) if isinstance(e, dict))

    @property
    def url(self) -> str:
        if self.mode == "refuse":
            if self._refused_port is None:
                with socket.socket() as probe:  # a port just freed: nothing listens there
                    probe.bind(("127.0.0.1", 0))
                    self._refused_port = probe.getsockname()[1]
            return f"http://127.0.0.1:{self._refused_port}"
        return self._server.url

    def start(self) -> None:
        self._server.start()

    def release(self) -> None:
        """Let held requests (``hang`` mode) and every later one be answered."""
        self.mode = "answer"
        self._released.set()

    def stop(self) -> None:
        self.release()
        self._server.stop()

    def named(self, event: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.events if e.get("event") == event]
