"""An answer on the chat socket when the person stops it, closes the tab or reloads, and when its process dies."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat.models import Message
from chat.tasks import sweep_stale_answers
from chat.tests.support import TOKENS, async_setup, connect, messages_of, receive_until_end, send, text_of, wait_for
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


async def receive_text(socket, until: str, frames: list[dict]) -> None:
    while until not in text_of(frames):
        frames.append(await socket.receive_json_from(timeout=5))


async def test_stop_cancels_upstream_at_once_and_keeps_the_partial_answer(fake_openai):
    fake_openai.script(Reply(tokens=TOKENS, stall_after=3))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Count for me")
    frames: list[dict] = []
    await receive_text(socket, "One two three", frames)

    await send(socket, type="stop")
    frames += await receive_until_end(socket)
    assert frames[-1]["status"] == "stopped"
    assert fake_openai.hangups.wait(2)  # the upstream connection was closed, not left to stall

    answer = (await messages_of(setup.conversation))[-1]
    assert answer.status == Message.Status.STOPPED
    assert answer.content == "One two three"
    assert answer.usage_estimated is True
    assert answer.prompt_tokens > 10  # counted exactly from the prompt we sent
    assert answer.completion_tokens == 3  # estimated from the partial text
    assert frames[-1]["usage"]["estimated"] is True
    await socket.disconnect()


async def test_closing_the_tab_does_not_lose_the_answer(fake_openai):
    fake_openai.script(Reply(tokens=TOKENS, gap=0.05))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Count for me")
    assert (await socket.receive_json_from(timeout=5))["type"] == "start"
    await socket.disconnect()

    async def finished():
        answer = (await messages_of(setup.conversation))[-1]
        return answer if answer.status != Message.Status.STREAMING else None

    answer = await wait_for(finished)
    assert answer.status == Message.Status.COMPLETE
    assert answer.content == "".join(TOKENS)
    assert answer.usage_estimated is False


async def test_reloading_mid_answer_shows_what_arrived_and_the_rest_live(fake_openai):
    fake_openai.script(Reply(tokens=TOKENS, gap=0.08))
    setup = await async_setup()
    first = await connect(setup)
    await send(first, type="message", content="Count for me")
    frames: list[dict] = []
    await receive_text(first, "One two", frames)
    await first.disconnect()

    second = await connect(setup)
    resumed = await receive_until_end(second)
    assert resumed[0]["type"] == "start"
    assert resumed[0]["resumed"] is True
    assert resumed[0]["text"].startswith("One two")
    assert resumed[0]["text"] + text_of(resumed[1:]) == "".join(TOKENS)
    assert resumed[-1]["status"] == "complete"
    await second.disconnect()


async def test_a_generation_left_streaming_by_a_dead_process_is_marked_errored(fake_openai):
    setup = await async_setup()

    @database_sync_to_async
    def orphan():
        message = Message.objects.create(
            conversation=setup.conversation, shop=setup.shop, role="assistant", status="streaming", content="Half"
        )
        Message.objects.filter(pk=message.pk).update(updated_at=timezone.now() - timezone.timedelta(minutes=1))
        return message

    message = await orphan()
    socket = await connect(setup)
    start = await socket.receive_json_from(timeout=5)  # a reloaded page follows the row, text so far first
    assert (start["type"], start["message_id"], start["text"]) == ("start", str(message.uuid), "Half")

    result = await database_sync_to_async(sweep_stale_answers.enqueue)()  # the periodic sweep's run
    assert (result.status, result.return_value) == ("SUCCESSFUL", 1)
    row = await Message.objects.aget(pk=message.pk)
    assert (row.status, row.error_code, row.content) == ("error", "interrupted", "Half")
    end = (await receive_until_end(socket))[-1]
    assert (end["type"], end["status"], end["error"]["code"]) == ("end", "error", "interrupted")
    await socket.disconnect()
