"""Model server failures end the answer in an error and a consistent row; a 429 before the first token is retried."""

from __future__ import annotations

import pytest

from chat.tests.support import TOKENS, async_setup, connect, messages_of, receive_until_end, send, text_of
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(
    ("replies", "code", "partial"),
    [
        ([Reply(status=429, retry_after="0"), Reply(status=429, retry_after="0")], "upstream_rate_limited", ""),
        ([Reply(status=401)], "upstream_auth", ""),
        ([Reply(status=500), Reply(status=500)], "upstream_unavailable", ""),
        ([Reply(tokens=TOKENS, error_after=2)], "upstream_error", "One two"),
        ([Reply(tokens=TOKENS, close_after=2)], "upstream_error", "One two"),
        ([Reply(tokens=TOKENS, stall_after=2)], "upstream_timeout", "One two"),
        ([Reply(tokens=TOKENS, junk_after=2)], "upstream_error", "One two"),
        (
            [Reply(tokens=TOKENS, junk_after=2, junk=b'data: {"choices": "not a list"}\n\n')],
            "upstream_error",
            "One two",
        ),
    ],
    ids=["429", "401", "500", "mid-stream-error", "abrupt-close", "stall", "not-json", "wrong-shape"],
)
async def test_upstream_failures_end_in_an_error_and_leave_the_database_consistent(
    fake_openai, settings, replies, code, partial
):
    settings.OPENAI_READ_TIMEOUT_SECONDS = 0.5
    fake_openai.script(*replies)
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Hello?")
    frames = await receive_until_end(socket)
    end = frames[-1]
    assert (end["type"], end["status"], end["error"]["code"]) == ("end", "error", code)
    assert end["error"]["message"]
    assert text_of(frames) == partial

    answer = (await messages_of(setup.conversation))[-1]
    assert (answer.status, answer.error_code, answer.content) == ("error", code, partial)
    assert answer.usage_estimated is True

    # The socket and the conversation still work.
    fake_openai.release.set()
    await send(socket, type="message", content="Again")
    assert (await receive_until_end(socket))[-1]["status"] == "complete"
    await socket.disconnect()


async def test_a_429_before_the_first_token_is_retried(fake_openai):
    fake_openai.script(Reply(status=429, retry_after="0"), Reply(tokens=["Fine"]))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Hello?")
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    assert text_of(frames) == "Fine"
    assert len(fake_openai.requests) == 2
    await socket.disconnect()
