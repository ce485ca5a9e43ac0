"""A Sentry ingest endpoint on loopback that records the envelopes the real SDK sends."""

from __future__ import annotations

from tests.fakes.loopback import LoopbackServer, QuietHandler


class FakeSentry:
    def __init__(self) -> None:
        self.envelopes: list[bytes] = []
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                fake.envelopes.append(self.read_body())
                self.answer(200, b"{}")

        self._server = LoopbackServer(Handler)

    @property
    def dsn(self) -> str:
        host, port = self._server.address
        return f"http://publickey@{host}:{port}/1"

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()
