"""What the person was shown is what is saved: whatever the model sends, and whatever sweeps race it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat.models import Message, ModelPrice
from chat.tasks import sweep_stale_answers
from chat.tests.support import async_setup, connect, messages_of, receive_until_end, send, text_of, wait_for
from tests.fakes.openai_server import Reply

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOKENS = ["The", " answer", " is", " here", "."]


async def answer_with(fake_openai, reply: Reply) -> tuple[list[dict], Message]:
    fake_openai.script(reply)
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="How was the week?")
    frames = await receive_until_end(socket)
    await socket.disconnect()
    return frames, (await messages_of(setup.conversation))[-1]


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ({"prompt_tokens": -5, "completion_tokens": -1}, (0, 0)),
        ({"prompt_tokens": 10**30, "completion_tokens": 10**30}, (2**31 - 1, 2**31 - 1)),
        ({"prompt_tokens": "lots", "completion_tokens": None}, (0, 0)),
        ({"prompt_tokens": 12.7, "completion_tokens": True}, (12, 0)),
    ],
)
async def test_usage_figures_out_of_range_are_clamped_and_the_answer_is_saved(fake_openai, usage, expected):
    frames, answer = await answer_with(fake_openai, Reply(tokens=TOKENS, usage_override=usage))
    assert frames[-1]["status"] == "complete"
    assert (answer.status, answer.content) == ("complete", "The answer is here.")
    assert (answer.prompt_tokens, answer.completion_tokens) == expected


async def test_a_nul_byte_and_a_lone_surrogate_from_the_model_are_cleaned_not_fatal(fake_openai):
    frames, answer = await answer_with(fake_openai, Reply(tokens=["Clean", "\x00", " text", " \ud800"]))
    assert frames[-1]["status"] == "complete"
    assert text_of(frames) == "Clean text \ufffd"
    assert (answer.status, answer.content) == ("complete", "Clean text \ufffd")


async def test_a_model_name_too_long_for_its_column_is_cut_to_fit(fake_openai):
    frames, answer = await answer_with(fake_openai, Reply(tokens=TOKENS, model="m" * 150))
    assert frames[-1]["status"] == "complete"
    assert (answer.status, answer.model) == ("complete", "m" * 100)


async def test_when_the_usage_cannot_be_saved_the_text_and_status_still_are(fake_openai, caplog):
    # A price so high that the cost overflows its column: the full save fails, the text must not.
    await ModelPrice.objects.acreate(
        model="gpt-4o-mini",
        effective_from=timezone.now().date(),
        input_per_million_usd=Decimal("999999.9999"),
        output_per_million_usd=Decimal("999999.9999"),
    )
    usage = {"prompt_tokens": 2**31 - 1, "completion_tokens": 2**31 - 1}
    frames, answer = await answer_with(fake_openai, Reply(tokens=TOKENS, usage_override=usage))
    assert frames[-1]["status"] == "complete"
    assert (answer.status, answer.content, answer.cost_usd) == ("complete", "The answer is here.", None)
    assert answer.usage_estimated
    failures = [r for r in caplog.records if "saving the usage of answer" in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info is not None


async def a_slow_answer_being_written(fake_openai, tokens: int):
    """A socket whose answer is streaming (``tokens`` words, 0.1 s apart), with its row."""
    fake_openai.script(Reply(tokens=[f" w{n}" for n in range(tokens)], gap=0.1))
    setup = await async_setup()
    socket = await connect(setup)
    await send(socket, type="message", content="Tell me slowly")

    async def streaming_row():
        return await Message.objects.filter(conversation=setup.conversation, status="streaming").afirst()

    return setup, socket, await wait_for(streaming_row)


async def test_the_final_save_wins_over_a_stale_sweep_that_raced_it(fake_openai):
    _setup, socket, row = await a_slow_answer_being_written(fake_openai, 12)
    # As if this process had not reached the database for longer than the lease: the periodic sweep takes it.
    await Message.objects.filter(pk=row.pk).aupdate(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    result = await database_sync_to_async(sweep_stale_answers.enqueue)()
    assert (result.status, result.return_value) == ("SUCCESSFUL", 1)
    swept = await Message.objects.aget(pk=row.pk)
    assert (swept.status, swept.error_code) == ("error", "interrupted")

    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    final = await Message.objects.aget(pk=row.pk)
    assert (final.status, final.error_code, final.content) == ("complete", "", text_of(frames))
    assert final.lease_expires_at is None
    await socket.disconnect()


async def test_an_answer_whose_lease_is_renewed_is_never_swept(fake_openai):
    _setup, socket, row = await a_slow_answer_being_written(fake_openai, 30)
    # Older than the lease by the clock of its last update, but its lease is current: a live owner.
    await Message.objects.filter(pk=row.pk).aupdate(updated_at=timezone.now() - dt.timedelta(minutes=5))
    result = await database_sync_to_async(sweep_stale_answers.enqueue)()
    assert (result.status, result.return_value) == ("SUCCESSFUL", 0)
    assert (await Message.objects.aget(pk=row.pk)).status == "streaming"
    frames = await receive_until_end(socket)
    assert frames[-1]["status"] == "complete"
    await socket.disconnect()
