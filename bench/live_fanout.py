"""Live-status fan-out: publish-to-receive latency on /ws/live/ for N connected browsers.

Starts nothing itself. Point it at one or more running servers (see docs/benchmarks.md for how
to start them on PostgreSQL and Redis, with one or two processes). It signs in as a shop member
(the websocket session), opens N sockets spread round-robin over the servers, then changes an
agent's status M times through the API with a staff token and measures, per delivered event,
receive time minus the event's "at" (the moment the change was saved; same machine clock).

    python bench/live_fanout.py --server http://127.0.0.1:8000 --email demo@6fb.local \
        --password demo-barber-2026 --token <staff DRF token> --clients 100 1000 --changes 20
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import http.client
import http.cookies
import json
import os
import re
import resource
import statistics
import time
import urllib.parse
import urllib.request

STATUSES = ["paused", "active"]


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def login(server: str, email: str, password: str) -> str:
    """Sign in through the real login form; returns the Cookie header for the sockets.

    Cookies are handled by hand: a production server (DJANGO_DEBUG=false) marks them Secure,
    and we talk plain HTTP on loopback, telling Django the proxy terminated TLS.
    """
    parts = urllib.parse.urlsplit(server)
    secure = {"X-Forwarded-Proto": "https", "Referer": f"https://{parts.netloc}/accounts/login/"}
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=10)
    conn.request("GET", "/accounts/login/", headers=secure)
    first = conn.getresponse()
    page = first.read().decode()
    cookies = _cookies(first)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
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


def set_status(server: str, token: str, agent: str, status: str) -> None:
    request = urllib.request.Request(
        f"{server}/api/v1/agents/{agent}/status",
        data=json.dumps({"status": status}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}", "X-Forwarded-Proto": "https"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


class LeanSocket(asyncio.Protocol):
    """A minimal websocket client: handshake, then read the server's unmasked text frames.

    The load generator shares the machine with the servers, and a full client library spends
    more CPU per frame than the server does, which would bury the figure being measured. Frames
    are timestamped when their bytes arrive.
    """

    def __init__(self, request: bytes, agent: str, latencies: list[float], opened: asyncio.Future) -> None:
        self.request, self.agent, self.latencies, self.opened = request, agent, latencies, opened
        self.buffer = b""
        self.upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        received = time.time()
        self.buffer += data
        if not self.upgraded:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            status_line = head.split(b"\r\n", 1)[0]
            if b" 101 " not in status_line and not self.opened.done():
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
                event = json.loads(payload)
                if event.get("type") == "agent.status" and event.get("agent") == self.agent:
                    sent = dt.datetime.fromisoformat(event["at"]).timestamp()
                    self.latencies.append((received - sent) * 1000)


async def client(
    url: str,
    origin: str,
    cookie: str,
    agent: str,
    latencies: list[float],
    ready: asyncio.Event,
    counter: dict,
    stop: asyncio.Event,
) -> None:
    parts = urllib.parse.urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\nCookie: {cookie}\r\n\r\n"
    ).encode()
    loop = asyncio.get_running_loop()
    opened: asyncio.Future = loop.create_future()
    transport, _ = await loop.create_connection(
        lambda: LeanSocket(request, agent, latencies, opened), parts.hostname, parts.port
    )
    try:
        await asyncio.wait_for(opened, 60)
        counter["connected"] += 1
        if counter["connected"] == counter["target"]:
            ready.set()
        await stop.wait()
    finally:
        transport.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def run(servers: list[str], cookie: str, token: str, agent: str, clients: int, changes: int, gap: float) -> dict:
    latencies: list[float] = []
    ready, stop = asyncio.Event(), asyncio.Event()
    counter = {"connected": 0, "target": clients}
    tasks = []
    for i in range(clients):
        server = servers[i % len(servers)]
        url = server.replace("http://", "ws://").replace("https://", "wss://") + "/ws/live/"
        tasks.append(asyncio.create_task(client(url, server, cookie, agent, latencies, ready, counter, stop)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # do not stampede the accept queue
    try:
        await asyncio.wait_for(ready.wait(), 120)
    except TimeoutError:
        stop.set()
        raise SystemExit(f"only {counter['connected']} of {clients} sockets connected") from None
    await asyncio.sleep(1)
    for n in range(changes):
        await asyncio.to_thread(set_status, servers[n % len(servers)], token, agent, STATUSES[n % 2])
        await asyncio.sleep(gap)
    await asyncio.sleep(3)  # stragglers
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    expected = clients * changes
    return {
        "clients": clients,
        "changes": changes,
        "expected": expected,
        "received": len(latencies),
        "lost": expected - len(latencies),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 99),
        "max": max(latencies) if latencies else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", action="append", required=True, help="a running server (repeat for several)")
    parser.add_argument("--email", required=True, help="a shop member whose session the sockets use")
    parser.add_argument("--password", required=True)
    parser.add_argument("--token", required=True, help="a staff user's API token (manage.py drf_create_token)")
    parser.add_argument("--agent", default="business_coach")
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.25, help="seconds between two status changes")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    servers = [s.rstrip("/") for s in args.server]
    cookie = login(servers[0], args.email, args.password)
    print(f"servers: {', '.join(servers)}; agent {args.agent}; {args.changes} changes, {args.gap}s apart")
    print(f"{'clients':>8} {'events':>8} {'lost':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for clients in args.clients:
        result = asyncio.run(run(servers, cookie, args.token, args.agent, clients, args.changes, args.gap))
        print(
            f"{result['clients']:>8} {result['received']:>8} {result['lost']:>6} "
            f"{result['p50']:>8.1f} {result['p99']:>8.1f} {result['max']:>8.1f}"
        )
    # Leave the agent as it was found.
    set_status(servers[0], args.token, args.agent, "active")


if __name__ == "__main__":
    main()
