"""What the benchmarks share: signing in through the real form, percentiles, and a lean websocket client.

The load generator shares the machine with the servers it measures, and a full client library
spends more CPU per frame than the server does, which would bury the figure being measured. So
the client here is a minimal asyncio protocol: the handshake, masked text frames out (and pongs), the
server's unmasked text frames in, each timestamped when its bytes arrive.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import http.cookies
import json
import os
import re
import time
import urllib.parse
from collections.abc import Callable
from typing import Any


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def hostname(parts: urllib.parse.SplitResult) -> str:
    """The host of a server URL (``http://host:port``)."""
    if parts.hostname is None:
        raise ValueError(f"no host in {parts.geturl()!r}: give the server as http://host:port")
    return parts.hostname


def csrf_token(page: str) -> str:
    """The CSRF token of a page's form."""
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if found is None:
        raise ValueError("the page has no CSRF token")
    return found.group(1)


def login(server: str, email: str, password: str, *, source: str | None = None) -> str:
    """Sign in through the real login form; returns the Cookie header for the sockets.

    Cookies are handled by hand: a production server (DJANGO_DEBUG=false) marks them Secure,
    and we talk plain HTTP on loopback, telling Django the proxy terminated TLS.
    """
    parts = urllib.parse.urlsplit(server)
    secure = {"X-Forwarded-Proto": "https", "Referer": f"https://{parts.netloc}/accounts/login/"}
    address = (source, 0) if source else None  # a loopback address of the client's own (a rush's shops)
    conn = http.client.HTTPConnection(hostname(parts), parts.port or 80, timeout=10, source_address=address)
    conn.request("GET", "/accounts/login/", headers=secure)
    first = conn.getresponse()
    page = first.read().decode()
    cookies = _cookies(first)
    token = csrf_token(page)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": password})
    cookie_header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    headers = {**secure, "Cookie": cookie_header, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/accounts/login/", body=form, headers=headers)
    second = conn.getresponse()
    second.read()
    cookies.update(_cookies(second))
    if second.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login failed ({second.status}): check --email and --password")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class LeanSocket(asyncio.Protocol):
    """A minimal websocket client. ``on_frame(received_at, frame)`` gets each JSON text frame."""

    def __init__(self, request: bytes, on_frame: Callable[[float, Any], None]) -> None:
        self.request = request
        self.on_frame = on_frame
        self.buffer = b""
        self.upgraded = False
        self.opened: asyncio.Future = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request)  # type: ignore[attr-defined]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("closed during the handshake"))

    def send_text(self, text: str) -> None:
        self._send(0x1, text.encode())

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + len(payload).to_bytes(2, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(header + mask + masked)  # type: ignore[union-attr]

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        received = time.time()
        self.buffer += data
        if not self.upgraded:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            status_line = head.split(b"\r\n", 1)[0]
            if b" 101 " not in status_line:
                if not self.opened.done():
                    self.opened.set_exception(ConnectionError(status_line.decode()))
                return
            self.upgraded, self.buffer = True, rest
            self.opened.set_result(True)
        while len(self.buffer) >= 2:
            length, offset = self.buffer[1] & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, offset = int.from_bytes(self.buffer[2:4], "big"), 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, offset = int.from_bytes(self.buffer[2:10], "big"), 10
            if len(self.buffer) < offset + length:
                return
            opcode, payload = self.buffer[0] & 0x0F, self.buffer[offset : offset + length]
            self.buffer = self.buffer[offset + length :]
            if opcode == 1:
                self.on_frame(received, json.loads(payload))
            elif opcode == 9:  # the server's keepalive ping: unanswered, it closes the socket (20 s + 20 s)
                self._send(0xA, payload)


async def open_socket(
    server: str,
    path: str,
    cookie: str,
    on_frame: Callable[[float, Any], None],
    *,
    timeout: float = 60,
    source: str | None = None,
) -> LeanSocket:
    """Open ``path`` on ``server`` (http://host:port) with the session cookie, as if behind a TLS proxy."""
    parts = urllib.parse.urlsplit(server)
    if parts.port is None:
        raise ValueError(f"no port in {server!r}: give the server as http://host:port")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: https://{parts.netloc}\r\n"
        f"Cookie: {cookie}\r\n"
        "X-Forwarded-Proto: https\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(
        lambda: LeanSocket(request, on_frame), hostname(parts), parts.port, local_addr=(source, 0) if source else None
    )
    await asyncio.wait_for(protocol.opened, timeout)
    return protocol
