"""Chat overhead: what our server adds to time to first token and to each chunk, against the fake.

Starts nothing itself. Point it at a running server (uvicorn, configured with OPENAI_BASE_URL at the
fake) and at the fake itself (`python -m tests.fakes.openai_server --port 9100 --ttft-ms 200
--gap-ms 20 --tokens 40`, which stamps each token with the time it was written); see
docs/benchmarks.md for the whole setup. For each concurrency N it runs R rounds of N chats at once:

* direct: N streamed requests straight to the fake (a lean HTTP reader), the baseline;
* through us: N sockets on /ws/chat/<uuid>/ (N conversations, a lean websocket reader), each sends
  a `message` frame and reads `start`, `delta`s and `end`.

Time to first token is from sending the request (or the frame) to the first bytes of answer text.
Added TTFT is our percentile minus the direct percentile. Per-chunk relay is receive time minus the
fake's stamp of the newest token in the frame (the relay cost after the coalescing window closes);
"oldest" uses the oldest token in the frame, so it includes the intended 30-50 ms coalescing wait.
With --server-pid, memory per open chat is the growth of the server's RSS with N sockets open and
answering, divided by N.

    python bench/chat_overhead.py --server http://127.0.0.1:8111 --fake http://127.0.0.1:9100/v1 \
        --email demo@6fb.local --password demo-barber-2026 --concurrency 1 10 50 --rounds 5 \
        --server-pid <uvicorn pid>
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import resource
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_fanout import login, percentile

TEXT = re.compile(r'"content":\s*"([^"]+)"')


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def stamps(text: str) -> list[float]:
    return [float(part) for part in text.split("|") if part.strip()]


async def direct_chat(fake: str, ttft: list[float], relay: list[float]) -> None:
    """One streamed request straight to the fake, read with asyncio streams."""
    parts = urllib.parse.urlsplit(fake)
    body = json.dumps(
        {
            "model": "gpt-4o-mini",
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "hi"}],
        }
    ).encode()
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    request = (
        f"POST {parts.path.rstrip('/')}/chat/completions HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    sent = time.time()
    writer.write(request)
    first = True
    try:
        while line := await reader.readline():
            if not line.startswith(b"data: {"):
                continue
            match = TEXT.search(line.decode())
            if not match:
                continue
            received = time.time()
            if first:
                ttft.append((received - sent) * 1000)
                first = False
            relay.extend((received - s) * 1000 for s in stamps(match.group(1)))
    finally:
        writer.close()


class ChatSocket(asyncio.Protocol):
    """A lean websocket client: handshake, masked text frames out, unmasked text frames in."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.buffer = b""
        self.upgraded = False
        self.opened: asyncio.Future = asyncio.get_running_loop().create_future()
        self.frames: asyncio.Queue = asyncio.Queue()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write(self.request)  # type: ignore[attr-defined]

    def send_text(self, text: str) -> None:
        payload, mask = text.encode(), os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + len(payload).to_bytes(2, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(header + mask + masked)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        received = time.time()
        self.buffer += data
        if not self.upgraded:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            if b" 101 " not in head.split(b"\r\n", 1)[0] and not self.opened.done():
                self.opened.set_exception(ConnectionError(head.split(b"\r\n", 1)[0].decode()))
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
                self.frames.put_nowait((received, json.loads(payload)))


async def open_socket(server: str, conversation: str, cookie: str) -> ChatSocket:
    parts = urllib.parse.urlsplit(server)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /ws/chat/{conversation}/ HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {server}\r\nCookie: {cookie}\r\nX-Forwarded-Proto: https\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: ChatSocket(request), parts.hostname, parts.port)
    await asyncio.wait_for(protocol.opened, 30)
    return protocol


async def socket_chat(
    socket: ChatSocket, ttft: list[float], newest: list[float], oldest: list[float], errors: list[str]
) -> None:
    sent = time.time()
    socket.send_text(json.dumps({"type": "message", "content": "How do I fill Tuesday mornings?"}))
    first = True
    while True:
        received, frame = await asyncio.wait_for(socket.frames.get(), 30)
        if frame["type"] == "error":
            errors.append(frame.get("code", "?"))
            return
        if frame["type"] == "end":
            if frame.get("status") != "complete":
                errors.append(f"end:{frame.get('status')}")
            return
        if frame["type"] == "delta" and frame["text"]:
            if first:
                ttft.append((received - sent) * 1000)
                first = False
            times = stamps(frame["text"])
            newest.append((received - max(times)) * 1000)
            oldest.append((received - min(times)) * 1000)


def new_conversations(server: str, cookie: str, agent: str, count: int) -> list[str]:
    """Start conversations through the real form (POST /chat/new/ redirects to /chat/<uuid>/)."""
    import http.client

    parts = urllib.parse.urlsplit(server)
    uuids = []
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "Referer": f"https://{parts.netloc}/chat/"}
    conn.request("GET", "/chat/", headers=headers)
    page = conn.getresponse().read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    for _ in range(count):
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "agent": agent})
        conn.request(
            "POST",
            "/chat/new/",
            body=form,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = conn.getresponse()
        response.read()
        match = re.search(r"/chat/([0-9a-f-]{36})/", response.headers.get("Location") or "")
        if response.status != 302 or not match:
            raise SystemExit(f"could not start a conversation ({response.status}); is {agent} enabled for the shop?")
        uuids.append(match.group(1))
    return uuids


def fmt(values: list[float], q: float) -> str:
    return f"{percentile(values, q):8.1f}" if values else "       -"


async def run(args, cookie: str, conversations: list[str], n: int) -> dict:
    direct_ttft: list[float] = []
    direct_relay: list[float] = []
    ttft: list[float] = []
    newest: list[float] = []
    oldest: list[float] = []
    errors: list[str] = []
    memory = []
    sockets = [await open_socket(args.server, conversations[i], cookie) for i in range(n)]
    for _ in range(args.rounds):
        await asyncio.gather(*(direct_chat(args.fake, direct_ttft, direct_relay) for _ in range(n)))
        await asyncio.sleep(0.3)
        before = rss_kib(args.server_pid) if args.server_pid else 0
        chats = [asyncio.create_task(socket_chat(s, ttft, newest, oldest, errors)) for s in sockets]
        if args.server_pid:
            await asyncio.sleep(args.ttft_wait)  # all N answering
            memory.append((rss_kib(args.server_pid) - before) / n)
        await asyncio.gather(*chats)
        await asyncio.sleep(0.5)
    for s in sockets:
        s.transport.close()
    return {
        "n": n,
        "direct_ttft": direct_ttft,
        "ttft": ttft,
        "direct_relay": direct_relay,
        "newest": newest,
        "oldest": oldest,
        "errors": errors,
        "memory": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="a running server whose OPENAI_BASE_URL is --fake")
    parser.add_argument("--fake", required=True, help="the fake's base URL, e.g. http://127.0.0.1:9100/v1")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--agent", default="business_coach")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--server-pid", type=int, help="the server's pid, to measure memory per open chat")
    parser.add_argument("--ttft-wait", type=float, default=0.5, help="seconds into a round to sample RSS")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    args.server = args.server.rstrip("/")
    cookie = login(args.server, args.email, args.password)
    conversations = new_conversations(args.server, cookie, args.agent, max(args.concurrency))
    print(f"server {args.server}, fake {args.fake}; {args.rounds} rounds per concurrency; load {os.getloadavg()}")
    print(
        f"{'chats':>5} {'ttft p50':>8} {'p99':>8} {'direct':>8} {'p99':>8} {'added50':>8} {'added99':>8} "
        f"{'relay50':>8} {'relay99':>8} {'direct99':>8} {'oldest99':>8} {'KiB/chat':>8} {'errors':>6}"
    )
    for n in args.concurrency:
        r = asyncio.run(run(args, cookie, conversations, n))
        added50 = percentile(r["ttft"], 50) - percentile(r["direct_ttft"], 50)
        added99 = percentile(r["ttft"], 99) - percentile(r["direct_ttft"], 99)
        memory = f"{statistics.median(r['memory']):8.0f}" if r["memory"] else "       -"
        print(
            f"{n:>5} {fmt(r['ttft'], 50)} {fmt(r['ttft'], 99)} {fmt(r['direct_ttft'], 50)} "
            f"{fmt(r['direct_ttft'], 99)} {added50:8.1f} {added99:8.1f} {fmt(r['newest'], 50)} "
            f"{fmt(r['newest'], 99)} {fmt(r['direct_relay'], 99)} {fmt(r['oldest'], 99)} {memory} "
            f"{len(r['errors']):>6}"
        )
        if r["errors"]:
            print(f"      errors: {sorted(set(r['errors']))}")


if __name__ == "__main__":
    main()
