"""`/ws/chat/<uuid>/`: a message streams start, deltas and end through the real SDK and is saved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chat.models import Message
from chat.tests.support import async_setup, connect, messages_of, receive_until_end, send, text_of
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def test_a_message_streams_and_is_saved_with_usage_and_cost(fake_openai):
    fake_openai.script(Reply(tokens=["Raise", " prices", " by", " **5%**", "."], gap=0.06, prompt_tokens=120))
    setup = await async_setup()
    socket = await connect(setup)

    await send(socket, type="message", content="How should I price a fade?")
    frames = await receive_until_end(socket)

    assert frames[0]["type"] == "start"
    deltas = [f for f in frames if f["type"] == "delta"]
    assert len(deltas) >= 3  # tokens 60 ms apart arrive in several frames
    assert text_of(frames) == "Raise prices by **5%**."
    end = frames[-1]
    assert end["type"] == "end"
    assert end["status"] == "complete"
    assert end["usage"] == {"prompt_tokens": 120, "completion_tokens": 5, "estimated": False, "cost_usd": "0.000021"}
    assert "<strong>5%</strong>" in end["html"]

    question, answer = await messages_of(setup.conversation)
    assert (question.role, question.content) == ("user", "How should I price a fade?")
    assert answer.role == "assistant"
    assert answer.status == Message.Status.COMPLETE
    assert answer.content == "Raise prices by **5%**."
    assert (answer.prompt_tokens, answer.completion_tokens, answer.usage_estimated) == (120, 5, False)
    assert answer.cost_usd == Decimal("0.000021")  # 120 x $0.15/M + 5 x $0.60/M
    assert answer.model == "gpt-4o-mini-2024-07-18"
    assert answer.finish_reason == "stop"
    assert answer.time_to_first_token_ms is not None
    assert answer.duration_ms >= answer.time_to_first_token_ms
    assert str(answer.uuid) == end["message_id"] == frames[0]["message_id"]

    request = fake_openai.requests[0]
    assert request["stream"] is True
    assert request["stream_options"] == {"include_usage": True}
    assert request["model"] == "gpt-4o-mini"
    assert request["messages"][0]["role"] == "system"
    assert request["messages"][-1] == {"role": "user", "content": "How should I price a fade?"}
    await socket.disconnect()
