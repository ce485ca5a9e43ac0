"""A rush (bench/chat_overhead.py --mode rush, issue 19): N shops, one owner each, each client from a
loopback address of its own, all asking at the same moment, on the websocket and on the SSE API.

Each round every client opens a fresh connection (a websocket on /ws/chat/<uuid>/ with its session,
or a TCP connection for `POST /api/v1/chat/` with its API token); once all are open, every question
is sent in the same few milliseconds, and the clock of each starts when its bytes are written. The
baseline is the same client straight to the upstream fake, fresh connections the same way. Added
time to first token is our percentile minus the baseline's; the gap is the time between two
consecutive pieces of answer text reaching the client (the fake writes a token every --gap-ms).
The shops come from bench/rush_setup.py (bench/run_chat_overhead.sh with RUSH=N makes them).
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from leanws import hostname, login, open_socket, percentile

QUESTION = "How do I fill Tuesday mornings?"


def source(i: int) -> str:
    """Client i's own loopback address (all of 127.0.0.0/8 is the loopback on Linux)."""
    return f"127.0.{1 + i // 250}.{2 + i % 250}"


@dataclass
class Stream:
    """One answer as a client saw it: when the question left, when each piece of text arrived."""

    sent: float = 0.0
    texts: list[float] = field(default_factory=list)
    error: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def frame(self, at: float, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "delta" and frame.get("text"):
            self.texts.append(at)
        elif kind == "error":
            self.error = str(frame.get("code", "error"))
            self.done.set()
        elif kind == "end":
            if frame.get("status") != "complete":
                self.error = f"end:{frame.get('status')}"
            self.done.set()


@dataclass
class Figures:
    ttft: list[float] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    answers: int = 0

    def add(self, streams: list[Stream]) -> None:
        for stream in streams:
            if stream.error or not stream.texts:
                self.errors.append(stream.error or "no text")
                continue
            self.answers += 1
            self.ttft.append((stream.texts[0] - stream.sent) * 1000)
            self.gaps.extend((b - a) * 1000 for a, b in zip(stream.texts, stream.texts[1:], strict=False))


async def _finished(streams: list[Stream], timeout: float = 90) -> None:
    async def one(stream: Stream) -> None:
        try:
            await asyncio.wait_for(stream.done.wait(), timeout)
        except TimeoutError:
            stream.error = stream.error or "timeout"

    await asyncio.gather(*(one(s) for s in streams))


async def websocket_round(server: str, shops: list[dict[str, str]]) -> list[Stream]:
    streams = [Stream() for _ in shops]
    sockets = await asyncio.gather(
        *(
            open_socket(server, f"/ws/chat/{shop['conversation']}/", shop["cookie"], stream.frame, source=source(i))
            for i, (shop, stream) in enumerate(zip(shops, streams, strict=True))
        )
    )
    question = json.dumps({"type": "message", "content": QUESTION})
    for socket, stream in zip(sockets, streams, strict=True):
        socket.send_text(question)
        stream.sent = time.time()
    await _finished(streams)
    for socket in sockets:
        socket.close()
    return streams


async def _read_events(reader: asyncio.StreamReader, stream: Stream, parse) -> None:
    """Read one HTTP response's event stream into ``stream``; ``parse(line)`` -> a frame or None."""
    status = await reader.readline()
    if b" 200 " not in status:
        body = await reader.read(2000)
        stream.error = f"http {status.decode().strip()} {body[-200:]!r}"
        stream.done.set()
        return
    while (line := await reader.readline()) not in (b"\r\n", b""):
        pass
    while line := await reader.readline():
        frame = parse(line)
        if frame is not None:
            stream.frame(time.time(), frame)
            if stream.done.is_set():
                return
    stream.error = stream.error or "closed mid-answer"
    stream.done.set()


def _our_event(line: bytes) -> dict[str, Any] | None:
    return json.loads(line[6:]) if line.startswith(b"data: {") else None


def _upstream_chunk(line: bytes) -> dict[str, Any] | None:
    """An OpenAI chunk as our frames: text as a delta, [DONE] as the end."""
    if line.startswith(b"data: [DONE]"):
        return {"type": "end", "status": "complete"}
    if not line.startswith(b"data: {"):
        return None
    choices = json.loads(line[6:]).get("choices") or [{}]
    return {"type": "delta", "text": (choices[0].get("delta") or {}).get("content") or ""}


async def _http_round(url: str, requests: list[tuple[dict[str, str], bytes]], parse) -> list[Stream]:
    """Open one connection a client, then write every request at once and read each event stream."""
    parts = urllib.parse.urlsplit(url)
    streams = [Stream() for _ in requests]
    connections = await asyncio.gather(
        *(asyncio.open_connection(hostname(parts), parts.port, local_addr=(source(i), 0)) for i in range(len(requests)))
    )
    for (headers, body), (_reader, writer), stream in zip(requests, connections, streams, strict=True):
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        writer.write(
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{head}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        stream.sent = time.time()
    readers = [
        asyncio.create_task(_read_events(reader, stream, parse))
        for (reader, _writer), stream in zip(connections, streams, strict=True)
    ]
    await _finished(streams)
    for task in readers:
        task.cancel()
    for _reader, writer in connections:
        writer.close()
    return streams


async def sse_round(server: str, shops: list[dict[str, str]]) -> list[Stream]:
    requests = [
        (
            {"Authorization": f"Token {shop['token']}", "X-Forwarded-Proto": "https", "Accept": "text/event-stream"},
            json.dumps({"conversation": shop["conversation"], "message": QUESTION}).encode(),
        )
        for shop in shops
    ]
    return await _http_round(f"{server}/api/v1/chat/", requests, _our_event)


async def upstream_round(fake: str, count: int) -> list[Stream]:
    body = json.dumps(
        {
            "model": "gpt-4o-mini",
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": QUESTION}],
        }
    ).encode()
    return await _http_round(f"{fake.rstrip('/')}/chat/completions", [({}, body)] * count, _upstream_chunk)


PATHS = {"websocket": websocket_round, "sse": sse_round}


async def level(args, shops: list[dict[str, str]], cpu_seconds) -> list[tuple[str, Figures, Figures, float | None]]:
    """Every path at N = len(shops): (path, ours, upstream straight, server CPU ms per answer)."""
    rounds = max(args.rounds, math.ceil(20 / len(shops)))  # 20 or more answers a level
    out = []
    for path in args.paths:
        ours, direct = Figures(), Figures()
        for _ in range(rounds):
            direct.add(await upstream_round(args.fake, len(shops)))
            await asyncio.sleep(0.3)
        cpu_before = cpu_seconds(args.server_pid) if args.server_pid else 0.0
        for _ in range(rounds):
            ours.add(await PATHS[path](args.server, shops))
            await asyncio.sleep(0.3)
        cpu = (cpu_seconds(args.server_pid) - cpu_before) * 1000 / max(1, ours.answers) if args.server_pid else None
        out.append((path, ours, direct, cpu))
    return out


def fmt(value: float | None, width: int = 8) -> str:
    return f"{value:{width}.1f}" if value is not None and value == value else " " * (width - 1) + "-"


def main(args, cpu_seconds) -> None:
    with open(args.shops_file) as given:
        shops: list[dict[str, str]] = json.load(given)
    most = max(args.concurrency)
    if most > len(shops):
        raise SystemExit(f"{most} questions at once need {most} shops; the file has {len(shops)}")
    shops = shops[:most]
    for i, shop in enumerate(shops):  # each owner signs in from its own address (login limits are per address)
        shop["cookie"] = login(args.server, shop["email"], shop["password"], source=source(i))
    print(f"rush: {most} shops, paths {' '.join(args.paths)}, server {args.server}, fake {args.fake}")

    async def warm_up() -> None:  # every worker's pools, once, on both paths
        for path in args.paths:
            await PATHS[path](args.server, shops)

    asyncio.run(warm_up())
    heads = ["ttft50", "ttft99", "direct50", "direct99", "added50", "added99", "gap50", "gap99", "dgap99", "cpu/ans"]
    print(f"{'asked':>5} {'path':>9} " + " ".join(f"{h:>8}" for h in heads) + f" {'answers':>7} {'errors':>6}")
    for n in args.concurrency:
        for path, ours, direct, cpu in asyncio.run(level(args, shops[:n], cpu_seconds)):
            p = percentile
            cells = [
                p(ours.ttft, 50),
                p(ours.ttft, 99),
                p(direct.ttft, 50),
                p(direct.ttft, 99),
                p(ours.ttft, 50) - p(direct.ttft, 50),
                p(ours.ttft, 99) - p(direct.ttft, 99),
                p(ours.gaps, 50),
                p(ours.gaps, 99),
                p(direct.gaps, 99),
                cpu,
            ]
            errors = len(ours.errors) + len(direct.errors)
            print(f"{n:>5} {path:>9} " + " ".join(fmt(c) for c in cells) + f" {ours.answers:>7} {errors:>6}")
            if errors:
                print(f"      errors: {sorted(set(ours.errors))[:5]} upstream: {sorted(set(direct.errors))[:5]}")
