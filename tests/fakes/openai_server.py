"""An OpenAI-compatible chat-completions server on loopback, for the real ``openai`` SDK.

It speaks the streamed wire format byte for byte (tests/fixtures/openai/ holds a body in
OpenAI's exact shape): a role chunk with empty content, one chunk per token, a
``finish_reason`` chunk with an empty delta, the usage chunk with ``choices: []`` when the
request asked for it, then ``data: [DONE]``, each event followed by a blank line; sent, as OpenAI
does, with chunked transfer encoding on a connection kept alive for the next request.

With ``tool_calls`` the reply is a function-calling one, in the shape of OpenAI's recorded
stream in the ``openai`` Python SDK's test suite (``.inline-snapshot/external/453df473e962...bin``,
two calls, gpt-4o-2024-08-06): a role chunk ``{"role":"assistant","content":null}``, any text
tokens, then per call a first chunk ``{"tool_calls":[{"index":i,"id":"call_...","type":"function",
"function":{"name":...,"arguments":""}}]}`` followed by its arguments in fragments
``{"tool_calls":[{"index":i,"function":{"arguments":"<piece>"}}]}``, then the finish chunk with
``finish_reason: "tool_calls"``, the usage chunk and ``[DONE]``. ``raw_events`` replaces the tokens
and calls with hand-written ones (a dict is sent as a chunk's ``delta``, bytes as they are), for
shapes a real server would not send: interleaved calls, hostile fragments.

Each request takes the next scripted ``Reply`` (or the default one); ``requests`` records each
request body as sent (``messages``, ``tools`` ...). Knobs: time to first token, gap between
tokens (and tool-call events), usage on/off, an HTTP error before the stream (429 with
retry-after, 401, 500), an error event mid-stream, an abrupt close, and a stall that lasts
until the client hangs up (recorded in ``hangups``) or the test releases it.

Runnable on its own (for bench/chat_overhead.py and for trying the UI without an account)::

    python -m tests.fakes.openai_server --port 9100 --ttft-ms 200 --gap-ms 20 --tokens 40

With ``--tool-call NAME`` (bench/chat_overhead.py ``--tools``) it plays a model that calls a tool
once per answer: a request that offers tool NAME and does not end with a tool turn gets, after the
time to first token, one call of NAME (``--tool-args``, a fresh id each time); the request that
brings the tool turn back gets the usual answer. For each call it keeps the time from the end of
the tool-call reply to the arrival of the request carrying its result, that is, the server's
whole tool round (``GET /v1/bench/tool-rounds`` returns and clears them, by call id, in ms).
"""

from __future__ import annotations

import hashlib
import json
import select
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Greeting(list[str]):
    """The default tokens: left out when a reply has tool calls (a model that calls tools usually says nothing)."""


@dataclass
class FakeToolCall:
    name: str
    arguments: str  # the JSON text, sent in fragments of ``Reply.tool_fragment_chars``
    id: str = ""  # empty: "call_" and a fake id derived from the reply's id and the call's index


@dataclass
class Reply:
    tokens: list[str] = field(default_factory=lambda: _Greeting(["Hello", " there", ",", " barber", "!"]))
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
    finish_reason: str | None = None  # None: "tool_calls" when the reply has tool calls, else "stop"
    id: str = "chatcmpl-fake0000000000000000000000001"
    created: int = 1723024748
    system_fingerprint: str = "fp_fake000001"
    stamp: bool = False  # each token is "<unix time it was written>|" (for bench/chat_overhead.py)
    usage_override: dict[str, Any] | None = None  # the usage chunk's object as given (hostile values)
    tool_calls: list[FakeToolCall] | None = None
    tool_fragment_chars: int = 6  # about a token's worth, as OpenAI sends them
    raw_events: list[dict[str, Any] | bytes] | None = None  # instead of tokens and tool calls

    def __post_init__(self) -> None:
        if (self.tool_calls or self.raw_events is not None) and isinstance(self.tokens, _Greeting):
            self.tokens = []
        if self.finish_reason is None:
            self.finish_reason = "tool_calls" if self.tool_calls else "stop"


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


def _delta_chunk(reply: Reply, delta: dict[str, Any]) -> bytes:
    return _chunk(reply, [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}])


def _tool_call_events(reply: Reply) -> list[bytes]:
    events = []
    size = max(1, reply.tool_fragment_chars)
    for index, call in enumerate(reply.tool_calls or ()):
        call_id = call.id or "call_" + hashlib.sha256(f"{reply.id}/{index}".encode()).hexdigest()[:24]
        function = {"name": call.name, "arguments": ""}
        first = {"index": index, "id": call_id, "type": "function", "function": function}
        events.append(_delta_chunk(reply, {"tool_calls": [first]}))
        for start in range(0, len(call.arguments), size):
            piece = {"index": index, "function": {"arguments": call.arguments[start : start + size]}}
            events.append(_delta_chunk(reply, {"tool_calls": [piece]}))
    return events


def stream_parts(reply: Reply, *, include_usage: bool = True) -> tuple[bytes, list[bytes], bytes]:
    """A complete streamed reply in OpenAI's order and byte format: the role chunk, the content
    events (one per token, then the tool calls' fragments; or the raw events), and the rest
    (finish chunk, usage chunk, ``[DONE]``) in one piece."""
    if reply.tool_calls or reply.raw_events is not None:
        role: dict[str, Any] = {"role": "assistant", "content": None}
    else:
        role = {"role": "assistant", "content": "", "refusal": None}
    content = [_delta_chunk(reply, {"content": token}) for token in reply.tokens]
    if reply.raw_events is not None:
        content = [event if isinstance(event, bytes) else _delta_chunk(reply, event) for event in reply.raw_events]
    else:
        content += _tool_call_events(reply)
    tail = [_chunk(reply, [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": reply.finish_reason}])]
    if include_usage and reply.usage:
        completion = len(content)
        usage = {"prompt_tokens": reply.prompt_tokens, "completion_tokens": completion}
        usage["total_tokens"] = reply.prompt_tokens + completion
        tail.append(_chunk(reply, [], usage=reply.usage_override if reply.usage_override is not None else usage))
    tail.append(b"data: [DONE]\n\n")
    return _delta_chunk(reply, role), content, b"".join(tail)


def stream_body(reply: Reply, *, include_usage: bool = True) -> list[bytes]:
    """The events of a complete streamed reply, in OpenAI's order and byte format."""
    role, content, tail = stream_parts(reply, include_usage=include_usage)
    return [role, *content, tail]


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
        self.tool_round: FakeToolCall | None = None  # the bench's one tool call per answer
        self._tool_sent: dict[str, float] = {}  # call id -> when its reply ended
        self.tool_round_ms: dict[str, float] = {}  # call id -> the server's round, in ms
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Each event goes out when written, as from a real server: with Nagle's algorithm on,
            # a small write waits for the client's delayed ACK (about 40 ms on Linux).
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                arrived = time.time()
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": "Not found", "type": "invalid_request_error"}})
                    return
                request = json.loads(body or b"{}")
                with fake._lock:
                    if fake.record:
                        fake.requests.append(request)
                        fake.headers.append(dict(self.headers))
                    reply = fake._script.pop(0) if fake._script else fake._unscripted(request, arrived)
                fake._answer(self, reply, request)

            def do_GET(self) -> None:
                if self.path.rstrip("/") != "/v1/bench/tool-rounds":
                    self._json(404, {"error": {"message": "Not found", "type": "invalid_request_error"}})
                    return
                with fake._lock:
                    rounds, fake.tool_round_ms = fake.tool_round_ms, {}
                self._json(200, {"rounds": rounds})

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

    def _unscripted(self, request: dict[str, Any], arrived: float) -> Reply:
        """The default reply, or in tool-round mode the tool call or the answer after it."""
        call = self.tool_round
        if call is None:
            return self.default
        messages = request.get("messages") or [{}]
        last = messages[-1] if isinstance(messages[-1], dict) else {}
        if last.get("role") == "tool":
            sent = self._tool_sent.pop(str(last.get("tool_call_id")), None)
            if sent is not None:
                self.tool_round_ms[str(last.get("tool_call_id"))] = (arrived - sent) * 1000
            return self.default
        offered = {(tool.get("function") or {}).get("name") for tool in request.get("tools") or []}
        if call.name not in offered:
            return self.default
        fresh = FakeToolCall(call.name, call.arguments, id="call_" + uuid.uuid4().hex[:24])
        return Reply(tool_calls=[fresh], time_to_first_token=self.default.time_to_first_token)

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
        role, content, tail = stream_parts(reply, include_usage=include_usage)
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
            send(role)  # as soon as the request is accepted
            if reply.time_to_first_token:
                time.sleep(reply.time_to_first_token)
            for index, token_event in enumerate(content):
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
                if reply.stamp and index < len(reply.tokens):
                    token_event = _delta_chunk(reply, {"content": f"{time.time():.6f}|"})
                send(token_event)
            if reply.tool_calls and self.tool_round is not None:  # the round starts as the reply ends
                with self._lock:
                    self._tool_sent.update({call.id: time.time() for call in reply.tool_calls})
            send(tail)
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
    parser.add_argument("--tool-call", help="call this tool once per answer when it is offered (a bench)")
    parser.add_argument("--tool-args", default="{}", help="the tool call's arguments, JSON")
    args = parser.parse_args(argv)
    fake = FakeOpenAI(port=args.port, record=False)
    fake.default = Reply(
        tokens=[f" word{n}" for n in range(args.tokens)],
        time_to_first_token=args.ttft_ms / 1000,
        gap=args.gap_ms / 1000,
        stamp=True,
    )
    if args.tool_call:
        fake.tool_round = FakeToolCall(args.tool_call, args.tool_args)
    fake.start()
    print(f"fake OpenAI at {fake.base_url} (ttft {args.ttft_ms:g} ms, gap {args.gap_ms:g} ms, {args.tokens} tokens)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
