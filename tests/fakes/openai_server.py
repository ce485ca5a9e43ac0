"""An OpenAI-compatible chat-completions server on loopback, for the real ``openai`` SDK.

It speaks the streamed wire format byte for byte (tests/fixtures/openai/ holds a body in
OpenAI's exact shape): a role chunk with empty content, one chunk per token, a
``finish_reason`` chunk with an empty delta, the usage chunk with ``choices: []`` when the
request asked for it, then ``data: [DONE]``, each event followed by a blank line; sent, as OpenAI
does, with chunked transfer encoding on a connection kept alive for the next request.

Each request takes the next scripted ``Reply`` (or the default one). Knobs: time to first
token, gap between tokens, usage on/off, an HTTP error before the stream (429 with
retry-after, 401, 500), an error event mid-stream, an abrupt close, and a stall that lasts
until the client hangs up (recorded in ``hangups``) or the test releases it.

Runnable on its own (for bench/chat_overhead.py and for trying the UI without an account)::

    python -m tests.fakes.openai_server --port 9100 --ttft-ms 200 --gap-ms 20 --tokens 40
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    tokens: list[str] = field(default_factory=lambda: ["Hello", " there", ",", " barber", "!"])
    status: int = 200
    retry_after: str | None = None
    time_to_first_token: float = 0.0
    gap: float = 0.0
    usage: bool = True
    prompt_tokens: int = 14
    error_after: int | None = None  # send an error event after this many tokens
    close_after: int | None = None  # drop the connection after this many tokens
    stall_after: int | None = None  # stop sending after this many tokens
    junk_after: int | None = None  # send ``junk`` (not a chunk) after this many tokens, then stop
    junk: bytes = b"data: {this is not json\n\n"
    model: str = "gpt-4o-mini-2024-07-18"
    finish_reason: str = "stop"
    id: str = "chatcmpl-fake0000000000000000000000001"
    created: int = 1723024748
    system_fingerprint: str = "fp_fake000001"
    stamp: bool = False  # each token is "<unix time it was written>|" (for bench/chat_overhead.py)
    usage_override: dict[str, Any] | None = None  # the usage chunk's object as given (hostile values)


def _event(payload: dict[str, Any]) -> bytes:
    try:
        data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate: sent as a JSON escape, as servers that escape do
        data = json.dumps(payload, separators=(",", ":")).encode()
    return b"data: " + data + b"\n\n"


def _chunk(reply: Reply, choices: list[dict[str, Any]], **extra: Any) -> bytes:
    return _event(
        {
            "id": reply.id,
            "object": "chat.completion.chunk",
            "created": reply.created,
            "model": reply.model,
            "system_fingerprint": reply.system_fingerprint,
            "choices": choices,
            **extra,
        }
    )


def stream_body(reply: Reply, *, include_usage: bool = True) -> list[bytes]:
    """The events of a complete streamed reply, in OpenAI's order and byte format."""
    events = [
        _chunk(
            reply,
            [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": "", "refusal": None},
                    "logprobs": None,
                    "finish_reason": None,
                }
            ],
        )
    ]
    for token in reply.tokens:
        events.append(
            _chunk(reply, [{"index": 0, "delta": {"content": token}, "logprobs": None, "finish_reason": None}])
        )
    events.append(_chunk(reply, [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": reply.finish_reason}]))
    if include_usage and reply.usage:
        completion = len(reply.tokens)
        usage = {"prompt_tokens": reply.prompt_tokens, "completion_tokens": completion}
        usage["total_tokens"] = reply.prompt_tokens + completion
        events.append(_chunk(reply, [], usage=reply.usage_override if reply.usage_override is not None else usage))
    events.append(b"data: [DONE]\n\n")
    return events


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default listen backlog of 5 drops connections at 50 concurrent chats
    daemon_threads = True


class FakeOpenAI:
    def __init__(self, *, port: int = 0, record: bool = True) -> None:
        self.record = record
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.hangups = threading.Event()
        self.release = threading.Event()
        self.default = Reply()
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Each event goes out when written, as from a real server: with Nagle's algorithm on,
            # a small write waits for the client's delayed ACK (about 40 ms on Linux).
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": "Not found", "type": "invalid_request_error"}})
                    return
                request = json.loads(body or b"{}")
                with fake._lock:
                    if fake.record:
                        fake.requests.append(request)
                        fake.headers.append(dict(self.headers))
                    reply = fake._script.pop(0) if fake._script else fake.default
                fake._answer(self, reply, request)

            def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._server = _Server(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- scripting -----------------------------------------------------------------------

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # bytes only for a Unix socket; this one listens on 127.0.0.1
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    # --- answering -----------------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler, reply: Reply, request: dict[str, Any]) -> None:
        if reply.status != 200:
            kinds = {401: "invalid_request_error", 429: "rate_limit_exceeded", 500: "server_error"}
            headers = {"retry-after": reply.retry_after} if reply.retry_after is not None else {}
            handler._json(  # type: ignore[attr-defined]
                reply.status,
                {"error": {"message": f"Fake error {reply.status}", "type": kinds.get(reply.status, "error")}},
                headers,
            )
            return
        include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
        events = stream_body(reply, include_usage=include_usage)
        # As OpenAI does: HTTP/1.1 chunked transfer encoding, and the connection kept alive for the
        # client's next request (the SDK's pool reuses it). An abrupt close leaves the body unfinished.
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
        handler.send_header("Cache-Control", "no-cache")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()

        def send(data: bytes) -> None:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            handler.wfile.flush()

        def end() -> None:
            handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()

        try:
            send(events[0])  # the role chunk, as soon as the request is accepted
            if reply.time_to_first_token:
                time.sleep(reply.time_to_first_token)
            for index, token_event in enumerate(events[1 : 1 + len(reply.tokens)]):
                if index and reply.gap:
                    time.sleep(reply.gap)
                if reply.stall_after is not None and index == reply.stall_after:
                    handler.close_connection = True
                    self._stall(handler)
                    return
                if reply.error_after is not None and index == reply.error_after:
                    send(_event({"error": {"message": "The server had an error", "type": "server_error"}}))
                    end()
                    return
                if reply.close_after is not None and index == reply.close_after:
                    handler.close_connection = True  # dropped without a finish chunk, [DONE] or the last chunk
                    return
                if reply.junk_after is not None and index == reply.junk_after:
                    send(reply.junk)
                    end()
                    return
                if reply.stamp:
                    delta = {"content": f"{time.time():.6f}|"}
                    token_event = _chunk(reply, [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}])
                send(token_event)
            send(b"".join(events[1 + len(reply.tokens) :]))
            end()
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
            self.hangups.set()

    def _stall(self, handler: BaseHTTPRequestHandler) -> None:
        """Send nothing until the client hangs up or the test lets go."""
        connection = handler.connection
        while not self.release.is_set():
            readable, _, _ = select.select([connection], [], [], 0.05)
            if readable:
                try:
                    if not connection.recv(1, socket.MSG_PEEK):  # b"" means the client closed
                        self.hangups.set()
                        return
                except OSError:
                    self.hangups.set()
                    return


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="An OpenAI-compatible streaming fake on loopback.")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--ttft-ms", type=float, default=200.0, help="time to first token")
    parser.add_argument("--gap-ms", type=float, default=20.0, help="gap between tokens")
    parser.add_argument("--tokens", type=int, default=40, help="tokens per answer")
    args = parser.parse_args(argv)
    fake = FakeOpenAI(port=args.port, record=False)
    fake.default = Reply(
        tokens=[f" word{n}" for n in range(args.tokens)],
        time_to_first_token=args.ttft_ms / 1000,
        gap=args.gap_ms / 1000,
        stamp=True,
    )
    fake.start()
    print(f"fake OpenAI at {fake.base_url} (ttft {args.ttft_ms:g} ms, gap {args.gap_ms:g} ms, {args.tokens} tokens)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
