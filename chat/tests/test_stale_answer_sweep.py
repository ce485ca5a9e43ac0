"""Chat's periodic task, run as the scheduler enqueues it (the suite's backend runs tasks at once)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chat.models import Message
from chat.services import conversation_start
from chat.tasks import sweep_stale_answers
from chat.tests.support import AGENT, make_setup

pytestmark = pytest.mark.django_db


def streaming_answer(setup, *, lease_expires_at: dt.datetime, conversation=None) -> Message:
    return Message.objects.create(
        conversation=conversation or setup.conversation,
        shop=setup.shop,
        role="assistant",
        status="streaming",
        content="Half an ans",
        lease_expires_at=lease_expires_at,
    )


def test_the_sweep_marks_answers_whose_lease_ran_out_as_interrupted_and_leaves_live_ones():
    setup = make_setup()
    dead = streaming_answer(setup, lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    other = conversation_start(user=setup.user, shop=setup.shop, agent_slug=AGENT)  # one streaming each
    live = streaming_answer(setup, lease_expires_at=timezone.now() + dt.timedelta(seconds=10), conversation=other)

    result = sweep_stale_answers.enqueue()

    assert (result.status, result.return_value) == ("SUCCESSFUL", 1)
    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, dead.error_code, dead.content, dead.usage_estimated) == (
        "error",
        "interrupted",
        "Half an ans",
        True,
    )
    assert live.status == "streaming"


def test_the_chat_page_no_longer_writes_the_sweep_the_periodic_task_does():
    setup = make_setup()
    dead = streaming_answer(setup, lease_expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert setup.client.get(f"/chat/{setup.conversation.uuid}/").status_code == 200
    dead.refresh_from_db()
    assert dead.status == "streaming"  # a GET reads; the answer is left to the sweep

    sweep_stale_answers.enqueue()
    dead.refresh_from_db()
    assert (dead.status, dead.error_code) == ("error", "interrupted")
