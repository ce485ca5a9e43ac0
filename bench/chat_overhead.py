"""Chat overhead: what our server adds to time to first token and to each chunk, against the fake.

Starts nothing itself. Point it at a running server (uvicorn serving bench/timed_asgi.py, started
with OPENAI_BASE_URL at the fake) and at the fake itself (`python -m tests.fakes.openai_server
--port 9111 --ttft-ms 200 --gap-ms 20 --tokens 40`, which stamps each token with the time it was
written); docs/benchmarks.md has the whole setup. For each concurrency N, the same load runs
twice, straight against the fake (a lean HTTP reader: the baseline) and through us (N sockets on
/ws/chat/<uuid>/, one conversation each, a lean websocket reader):

* steady (the default): N chats in flight at all times. Chat i starts i/N of an answer's length
  after the first, and each sends its next question as soon as its answer ends, R times.
* burst: R rounds in which all N send their question in the same millisecond.
* rush (issue 19, bench/rush.py): N shops, each client from its own address on a fresh connection
  each round, all asking at once, on the websocket and on the SSE API (--shops-file, --paths).

Time to first token (TTFT) runs from sending the question to the first bytes of answer text;
"added" is our percentile minus the baseline's. Per-chunk relay is what we add to a chunk beyond
the coalescing window that batches tokens on purpose (30-50 ms): receive time minus the fake's
stamp of the newest token in the frame, minus `held_ms`, the time the server says the window held
that token. With --server-pid (every worker's pid) the server's CPU time per answered chat is reported, and before
everything else (so on a freshly started server) the memory per open chat: RSS growth with
--memory-chats sockets open and idle, then with all of them answering, divided by their number.

    python bench/chat_overhead.py --server http://127.0.0.1:8111 --fake http://127.0.0.1:9111/v1 \
        --email demo@6fb.local --password demo-barber-2026 --concurrency 1 10 50 --rounds 10 \
        --server-pid <uvicorn pid>

With --tools (the fake started with --tool-call, the shop under ai_agent_v2, the agent given that
tool) every answer takes one read-tool round: model -> tool -> model. For each round the fake keeps
the time from the end of its tool-call reply to the arrival of the request carrying the result
(the server's whole round), and the database keeps the tool call's own duration (ToolCall.duration_ms,
read with DATABASE_URL); "added" is the round minus the tool's own time, per round.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import resource
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rush
from leanws import LeanSocket, csrf_token, hostname, login, open_socket, percentile

TEXT = re.compile(r'"content":\s*"([^"]+)"')
QUESTION = "How do I fill Tuesday mornings?"


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def stamps(text: str) -> list[float]:
    return [float(part) for part in text.split("|") if part.strip()]


class Figures:
    def __init__(self) -> None:
        self.ttft: list[float] = []
        self.ttft_at: list[float] = []  # when each question was sent (for --slowest)
        self.relay: list[float] = []
        self.errors: list[str] = []
        self.chats = 0


class DirectChat:
    """One chat loop's streamed requests straight to the fake, read with asyncio streams.

    Like the SDK's pool in our server, it keeps its connection open between requests (the fake,
    like OpenAI, answers with chunked transfer encoding and keeps the connection alive).
    """

    def __init__(self, fake: str) -> None:
        self.parts = urllib.parse.urlsplit(fake)
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()

    async def chat(self, figures: Figures) -> None:
        parts = self.parts
        body = json.dumps(
            {
                "model": "gpt-4o-mini",
                "stream": True,
                "stream_options": {"include_usage": True},
                "messages": [{"role": "user", "content": QUESTION}],
            }
        ).encode()
        request = (
            f"POST {parts.path.rstrip('/')}/chat/completions HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        sent = time.time()
        if self.streams is None:
            self.streams = await asyncio.open_connection(parts.hostname, parts.port)
        reader, writer = self.streams
        writer.write(request)
        first = True
        while line := await reader.readline():
            if line == b"0\r\n":  # the last chunk: the answer is complete, the connection stays open
                await reader.readline()
                break
            if not line.startswith(b"data: {"):
                continue
            match = TEXT.search(line.decode())
            if not match:
                continue
            received = time.time()
            if first:
                figures.ttft.append((received - sent) * 1000)
                first = False
            figures.relay.extend((received - s) * 1000 for s in stamps(match.group(1)))
        else:
            raise ConnectionError("the fake closed the connection mid-answer")
        figures.chats += 1


class ChatSocket:
    """One conversation's socket; frames go to a queue, with their arrival time."""

    def __init__(self) -> None:
        self.frames: asyncio.Queue = asyncio.Queue()
        self._socket: LeanSocket | None = None

    @property
    def socket(self) -> LeanSocket:
        if self._socket is None:
            raise RuntimeError("open() the socket first")
        return self._socket

    async def open(self, server: str, conversation: str, cookie: str) -> ChatSocket:
        self._socket = await open_socket(
            server, f"/ws/chat/{conversation}/", cookie, lambda at, frame: self.frames.put_nowait((at, frame))
        )
        return self

    def send(self) -> float:
        self.socket.send_text(json.dumps({"type": "message", "content": QUESTION}))
        return time.time()

    async def answer(self, sent: float, figures: Figures | None) -> None:
        """Read one answer to its `end` frame, recording TTFT and relay in ``figures``."""
        first = True
        while True:
            received, frame = await asyncio.wait_for(self.frames.get(), 60)
            if figures is None:
                if frame["type"] in {"end", "error"}:
                    return
                continue
            if frame["type"] == "error":
                figures.errors.append(frame.get("code", "?"))
                return
            if frame["type"] == "end":
                if frame.get("status") != "complete":
                    figures.errors.append(f"end:{frame.get('status')}")
                figures.chats += 1
                return
            if frame["type"] == "delta" and frame["text"]:
                if first:
                    figures.ttft.append((received - sent) * 1000)
                    figures.ttft_at.append(sent)
                    first = False
                if "held_ms" in frame:
                    figures.relay.append((received - max(stamps(frame["text"]))) * 1000 - frame["held_ms"])

    async def chat(self, figures: Figures | None) -> None:
        await self.answer(self.send(), figures)


def new_conversations(server: str, cookie: str, agent: str, count: int) -> list[str]:
    """Start conversations through the real form (POST /chat/new/ redirects to /chat/<uuid>/)."""
    parts = urllib.parse.urlsplit(server)
    uuids = []
    conn = http.client.HTTPConnection(hostname(parts), parts.port, timeout=30)
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "Referer": f"https://{parts.netloc}/chat/"}
    conn.request("GET", "/chat/", headers=headers)
    page = conn.getresponse().read().decode()
    token = csrf_token(page)
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


async def steady(n: int, rounds: int, spread: float, one_chat) -> None:
    """N chat loops, started evenly over ``spread`` seconds, each asking ``rounds`` questions back to back."""

    async def loop(i: int) -> None:
        await asyncio.sleep(spread * i / n)
        for _ in range(rounds):
            await one_chat(i)

    await asyncio.gather(*(loop(i) for i in range(n)))


async def burst(n: int, rounds: int, one_chat) -> None:
    for _ in range(rounds):
        await asyncio.gather(*(one_chat(i) for i in range(n)))
        await asyncio.sleep(0.3)


async def measure_memory(args, cookie: str, conversations: list[str]) -> tuple[float, float]:
    """KiB of server RSS per open idle socket, and per chat answering; run on a fresh server."""
    count = args.memory_chats
    await asyncio.sleep(1)
    before = rss_kib(args.server_pid)
    sockets = [await ChatSocket().open(args.server, conversations[i], cookie) for i in range(count)]
    await asyncio.sleep(2)
    idle = rss_kib(args.server_pid)
    sent = [s.send() for s in sockets]
    await asyncio.sleep(args.answering_sample)
    answering = rss_kib(args.server_pid)
    await asyncio.gather(*(s.answer(t, None) for s, t in zip(sockets, sent, strict=True)))
    for s in sockets:
        s.socket.close()
    return (idle - before) / count, (answering - before) / count


async def run(args, cookie: str, conversations: list[str], n: int) -> dict:
    direct, ours = Figures(), Figures()

    directs = [DirectChat(args.fake) for _ in range(n)]

    async def direct_one(i: int) -> None:
        await directs[i].chat(direct)

    sockets = [await ChatSocket().open(args.server, conversations[i], cookie) for i in range(n)]

    async def ours_one(i: int) -> None:
        await sockets[i].chat(ours)

    if args.mode == "burst":
        await burst(n, args.rounds, direct_one)
    else:
        await steady(n, args.rounds, args.spread, direct_one)
    for d in directs:
        d.close()
    await asyncio.sleep(0.5)
    cpu_before = cpu_seconds(args.server_pid) if args.server_pid else 0.0
    if args.mode == "burst":
        await burst(n, args.rounds, ours_one)
    else:
        await steady(n, args.rounds, args.spread, ours_one)
    cpu = (cpu_seconds(args.server_pid) - cpu_before) if args.server_pid else None
    for s in sockets:
        s.socket.close()
    cpu_per_chat = None if cpu is None else cpu * 1000 / max(1, ours.chats)
    return {"n": n, "direct": direct, "ours": ours, "cpu_ms_per_chat": cpu_per_chat}


def tool_rounds(fake: str) -> dict[str, float]:
    """The fake's rounds since the last call, by call id (ms), and clears them."""
    parts = urllib.parse.urlsplit(fake)
    conn = http.client.HTTPConnection(hostname(parts), parts.port, timeout=30)
    conn.request("GET", f"{parts.path.rstrip('/')}/bench/tool-rounds")
    return json.loads(conn.getresponse().read())["rounds"]


def tool_durations(call_ids: list[str]) -> dict[str, float]:
    """ToolCall.duration_ms (what the tool call itself took in the server) by call id."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT call_id, duration_ms FROM actions_toolcall WHERE call_id = ANY(%s)", [call_ids]
        ).fetchall()
    return {call_id: float(ms) for call_id, ms in rows}


def print_tool_rounds(n: int, rounds: dict[str, float]) -> None:
    durations = tool_durations(list(rounds))
    paired = [(ms, durations[call_id]) for call_id, ms in rounds.items() if call_id in durations]
    whole, own = [ms for ms, _ in paired], [tool for _, tool in paired]
    added = [ms - tool for ms, tool in paired]
    cells = [fmt(percentile(values, q)) for values in (whole, own, added) for q in (50, 99)]
    print(f"{n:>5} {len(paired):>7} " + " ".join(cells))


def fmt(value: float | None, width: int = 8) -> str:
    return f"{value:{width}.1f}" if value is not None and value == value else " " * (width - 1) + "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="a running server whose OPENAI_BASE_URL is --fake")
    parser.add_argument("--fake", required=True, help="the fake's base URL, e.g. http://127.0.0.1:9111/v1")
    parser.add_argument("--email", help="the demo login (every mode but rush)")
    parser.add_argument("--password")
    parser.add_argument("--agent", default="business_coach")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--rounds", type=int, default=10, help="questions per chat (steady) or rounds (burst)")
    parser.add_argument("--mode", choices=["steady", "burst", "rush"], default="steady")
    parser.add_argument("--shops-file", help="rush: the shops bench/rush_setup.py wrote")
    parser.add_argument("--paths", nargs="+", choices=["websocket", "sse"], default=["websocket", "sse"], help="rush")
    parser.add_argument("--spread", type=float, default=1.0, help="steady: seconds over which the N chats start")
    parser.add_argument(
        "--server-pid", type=int, nargs="+", help="the server's pids (workers): CPU per chat, memory per open chat"
    )
    parser.add_argument("--memory-chats", type=int, default=50, help="sockets for the memory measurement")
    parser.add_argument(
        "--slowest", type=int, default=0, help="list the N slowest first tokens, with when they were asked"
    )
    parser.add_argument("--answering-sample", type=float, default=0.5, help="seconds after sending to sample RSS")
    parser.add_argument("--tools", action="store_true", help="each answer takes one read-tool round: time it")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    args.server = args.server.rstrip("/")
    if args.mode == "rush":
        rush.main(args, cpu_seconds)
        return
    if not args.email or not args.password:
        parser.error("--email and --password are needed (every mode but rush)")
    cookie = login(args.server, args.email, args.password)
    conversations = new_conversations(args.server, cookie, args.agent, max([*args.concurrency, args.memory_chats]))
    print(f"server {args.server}, fake {args.fake}; mode {args.mode}, {args.rounds} rounds; load {os.getloadavg()}")

    async def warm_up() -> None:  # the first chat of a process opens its pools
        socket = await ChatSocket().open(args.server, conversations[0], cookie)
        await socket.chat(None)
        socket.socket.close()

    asyncio.run(warm_up())
    if args.server_pid:
        idle, answering = asyncio.run(measure_memory(args, cookie, conversations))
        print(f"memory per open chat ({args.memory_chats} sockets): idle {idle:.0f} KiB, answering {answering:.0f} KiB")
    print(
        f"{'chats':>5} {'ttft p50':>8} {'p99':>8} {'direct':>8} {'p99':>8} {'added50':>8} {'added99':>8} "
        f"{'relay50':>8} {'relay99':>8} {'direct99':>8} {'cpu/chat':>8} {'answers':>7} {'errors':>6}"
    )
    rounds_by_level = []
    for n in args.concurrency:
        if args.tools:
            tool_rounds(args.fake)  # the warm-up's and the memory run's rounds are not this level's
        r = asyncio.run(run(args, cookie, conversations, n))
        if args.tools:
            rounds_by_level.append((n, tool_rounds(args.fake)))
        direct, ours = r["direct"], r["ours"]
        added50 = percentile(ours.ttft, 50) - percentile(direct.ttft, 50)
        added99 = percentile(ours.ttft, 99) - percentile(direct.ttft, 99)
        print(
            f"{n:>5} {fmt(percentile(ours.ttft, 50))} {fmt(percentile(ours.ttft, 99))} "
            f"{fmt(percentile(direct.ttft, 50))} {fmt(percentile(direct.ttft, 99))} {fmt(added50)} {fmt(added99)} "
            f"{fmt(percentile(ours.relay, 50))} {fmt(percentile(ours.relay, 99))} "
            f"{fmt(percentile(direct.relay, 99))} {fmt(r['cpu_ms_per_chat'])} {ours.chats:>7} {len(ours.errors):>6}"
        )
        if ours.errors:
            print(f"      errors: {sorted(set(ours.errors))}")
        if args.slowest and ours.ttft:
            began = min(ours.ttft_at)
            slowest = sorted(zip(ours.ttft, ours.ttft_at, strict=True), reverse=True)[: args.slowest]
            print(
                "      slowest first tokens (ms, asked at s): "
                + ", ".join(f"{v:.0f} @{t - began:.1f}" for v, t in slowest)
            )
    if args.tools:
        print("one read-tool round (model -> tool -> model), server time in ms:")
        heads = ["round50", "round99", "tool50", "tool99", "added50", "added99"]
        print(f"{'chats':>5} {'rounds':>7} " + " ".join(f"{head:>8}" for head in heads))
        for n, rounds in rounds_by_level:
            print_tool_rounds(n, rounds)
    print(f"load at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
