"""A fake Twilio REST API on loopback: ``POST /2010-04-01/Accounts/{sid}/Messages.json`` as Twilio
answers it, for the real ``twilio`` SDK pointed here by ``TWILIO_API_BASE``.

It checks basic auth (account sid and token), records each accepted message in ``messages`` (``To``,
``From``, ``MessagingServiceSid``, ``Body``, ``StatusCallback`` and the ``sid`` it answered) and
answers 201 with a Message resource shaped like Twilio's. Scriptable: ``fail_next(400, code=21211)``
(or 429, 500...) answers the next request(s) with Twilio's error JSON; ``hang()`` holds answers until
``release()`` (a provider that stops answering: the client times out). ``sign()`` signs a webhook
exactly as Twilio does, and ``status_params()`` is what Twilio posts to a ``StatusCallback``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import math
import re
import secrets
import threading
from collections import deque
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.loopback import LoopbackServer, QuietHandler

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-twilio-auth-token-0123456789"
FROM_NUMBER = "+15005550006"
_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-fA-F]{32})/Messages\.json$")


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """``X-Twilio-Signature``: base64 HMAC-SHA1, keyed with the auth token, of the full URL followed
    by each POST parameter's name and value, sorted by name."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def error_body(status: int, code: int | None, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}" if code else None,
        "status": status,
    }


class FakeTwilio:
    def __init__(self, *, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[dict[str, str]] = []
        self.requests = 0  # every POST received, answered or not
        self.answering = threading.Event()
        self.answering.set()  # set = answer at once
        self._scripted: deque[tuple[int, dict[str, Any]]] = deque()
        self._lock = threading.Lock()
        fake = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                params = dict(parse_qsl(self.read_body().decode(), keep_blank_values=True))
                with fake._lock:
                    fake.requests += 1
                fake.answering.wait(timeout=60)
                status, body = fake.handle(self.path, self.headers.get("Authorization", ""), params)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    self.answer(status, body)

        self._server = LoopbackServer(Handler)

    # --- scripting ------------------------------------------------------------------------

    def fail_next(self, status: int, *, code: int | None = None, message: str = "", times: int = 1) -> None:
        """Answer the next ``times`` requests with ``status`` and Twilio's error JSON."""
        for _ in range(times):
            self._scripted.append((status, error_body(status, code, message or f"Error {code or status}")))

    def hang(self) -> None:
        self.answering.clear()

    def release(self) -> None:
        self.answering.set()

    # --- the API --------------------------------------------------------------------------

    def handle(self, path: str, authorization: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        match = _MESSAGES_PATH.match(urlsplit(path).path)
        if match is None:
            return 404, error_body(404, 20404, "The requested resource was not found")
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != expected or match["sid"] != self.account_sid:
            return 401, error_body(401, 20003, "Authenticate")
        with self._lock:
            if self._scripted:
                return self._scripted.popleft()
        if not params.get("To") or not (params.get("From") or params.get("MessagingServiceSid")):
            return 400, error_body(400, 21604, "A 'To' phone number is required.")
        message = {name: params.get(name, "") for name in ("To", "From", "MessagingServiceSid", "Body")}
        message["StatusCallback"] = params.get("StatusCallback", "")
        message["sid"] = "SM" + secrets.token_hex(16)
        with self._lock:
            self.messages.append(message)
        return 201, self._resource(message)

    def _resource(self, message: dict[str, str]) -> dict[str, Any]:
        now = formatdate(usegmt=True)
        body = message["Body"]
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{message['sid']}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": message["From"] or None,
            "messaging_service_sid": message["MessagingServiceSid"] or None,
            "num_media": "0",
            "num_segments": str(1 if len(body) <= 160 else math.ceil(len(body) / 153)),
            "price": None,
            "price_unit": "USD",
            "sid": message["sid"],
            "status": "accepted" if message["MessagingServiceSid"] else "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": message["To"],
            "uri": f"{uri}.json",
        }

    def status_params(self, message: dict[str, str], status: str, *, error_code: str = "") -> dict[str, str]:
        """What Twilio posts to a message's ``StatusCallback`` when it reaches ``status``."""
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "From": message["From"],
            "MessageSid": message["sid"],
            "MessageStatus": status,
            "SmsSid": message["sid"],
            "SmsStatus": status,
            "To": message["To"],
        }
        if error_code:
            params["ErrorCode"] = error_code
        return params

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> FakeTwilio:
        self._server.start()
        return self

    def stop(self) -> None:
        self.answering.set()
        self._server.stop()

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
