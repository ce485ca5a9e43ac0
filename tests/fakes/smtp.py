"""An SMTP server on loopback (aiosmtpd) that records what it accepts, as a mail provider's relay would.

It can refuse (``refuse_with = (550, "5.1.1 no such user")`` or a 4xx for a temporary refusal) and
stall: with ``stall`` cleared, DATA is held unanswered until it is set (a worker killed mid-send).
``messages`` holds each accepted message as an ``email.message.EmailMessage``.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def _free_port() -> int:
    # aiosmtpd's controller checks its server by connecting to the port it was given: it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakeSMTP:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse_with: tuple[int, str] | None = None
        self.stall = threading.Event()
        self.stall.set()  # set = answer at once
        self.data_started = threading.Event()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=_free_port())

    # aiosmtpd handler hook
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        self.data_started.set()
        while not self.stall.is_set():
            await asyncio.sleep(0.02)
        if self.refuse_with is not None:
            code, text = self.refuse_with
            return f"{code} {text}"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 OK: queued"

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> FakeSMTP:
        self._controller.start()
        return self

    def stop(self) -> None:
        self.stall.set()
        self._controller.stop()

    def __enter__(self) -> FakeSMTP:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
