"""Postmark's email API (``POST /email``) on loopback, answering as Postmark does, for anymail's real
Postmark backend (``ANYMAIL = {"POSTMARK_API_URL": fake.url + "/"}``).

``answer_with`` sets the next answers: ``None`` accepts (200 with a ``MessageID``), ``(status, body)``
answers that instead, e.g. 422 with Postmark's ``ErrorCode`` or a 500. ``sent`` holds each accepted
request's JSON, ``message_ids`` the ids given back.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from tests.fakes.loopback import LoopbackServer, QuietHandler

INACTIVE_RECIPIENT = {
    "ErrorCode": 406,
    "Message": (
        "You tried to send to a recipient that has been marked as inactive.\n"
        "Found inactive addresses: {address}.\n"
        "Inactive recipients are ones that have generated a hard bounce or a spam complaint. "
    ),
}
SERVER_ERROR = {"ErrorCode": 500, "Message": "Internal server error."}


class FakePostmark:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.message_ids: list[str] = []
        self.tokens: list[str] = []
        self.answer_with: tuple[int, dict[str, Any]] | None = None
        self._lock = threading.Lock()
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = json.loads(self.read_body() or b"{}")
                with fake._lock:
                    fake.tokens.append(self.headers.get("X-Postmark-Server-Token", ""))
                    answer = fake.answer_with
                    message_id = str(uuid.uuid4())
                    if answer is None:
                        fake.sent.append(body)
                        fake.message_ids.append(message_id)
                if answer is not None:
                    status, payload = answer
                    text = json.dumps(payload).replace("{address}", str(body.get("To", "")))
                    self.answer(status, json.loads(text))
                    return
                self.answer(
                    200,
                    {
                        "To": body.get("To", ""),
                        "SubmittedAt": "2026-12-04T10:00:00.0000000-05:00",
                        "MessageID": message_id,
                        "ErrorCode": 0,
                        "Message": "OK",
                    },
                )

        self._server = LoopbackServer(Handler)

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> FakePostmark:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()
