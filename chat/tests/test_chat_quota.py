"""The monthly chat quota: which replies count, and plan changes applied from the very next message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Plan
from billing.services import shop_plan_set_manually
from chat.models import Message
from chat.selectors import chats_used
from chat.services import ChatError, chat_request
from chat.tests.support import add_turns, make_setup

pytestmark = [pytest.mark.django_db]


def test_chats_used_counts_reply_attempts_in_the_period_for_the_shop():
    setup = make_setup()
    other = make_setup(shop_name="Rival Fades")
    add_turns(setup, ("a", "b"), ("c", "d"))
    Message.objects.create(
        conversation=setup.conversation, shop=setup.shop, role="assistant", content="old", superseded=True
    )
    Message.objects.create(conversation=setup.conversation, shop=setup.shop, role="assistant", status="error")
    add_turns(other, ("e", "f"))
    now = timezone.now()
    assert chats_used(shop=setup.shop, start=now - timedelta(days=1), end=now + timedelta(days=1)) == 3
    assert chats_used(shop=setup.shop, start=now + timedelta(days=1), end=now + timedelta(days=2)) == 0


def fill_the_month(setup, chats: int) -> None:
    Message.objects.bulk_create(
        Message(conversation=setup.conversation, shop=setup.shop, role="assistant", content="an answer")
        for _ in range(chats)
    )


def test_a_plan_change_counts_for_the_very_next_message(django_capture_on_commit_callbacks):
    setup = make_setup()
    fill_the_month(setup, Plan.objects.get(slug="free").monthly_chats)
    with pytest.raises(ChatError) as refused:
        chat_request(user=setup.user, conversation=setup.conversation, content="One more?")
    assert refused.value.code == "quota_exceeded"

    with django_capture_on_commit_callbacks(execute=True):
        shop_plan_set_manually(shop=setup.shop, plan=Plan.objects.get(slug="starter"))

    _question, plan = chat_request(user=setup.user, conversation=setup.conversation, content="One more?")
    assert Message.objects.get(pk=plan.message_id).status == Message.Status.STREAMING


def test_an_edited_plan_limit_counts_for_the_very_next_message(django_capture_on_commit_callbacks):
    setup = make_setup()
    fill_the_month(setup, 3)
    chat_request(user=setup.user, conversation=setup.conversation, content="Fits")  # caches the allowance
    Message.objects.filter(status=Message.Status.STREAMING).update(status=Message.Status.COMPLETE)

    free = Plan.objects.get(slug="free")
    free.monthly_chats = 4
    with django_capture_on_commit_callbacks(execute=True):
        free.save()

    with pytest.raises(ChatError) as refused:
        chat_request(user=setup.user, conversation=setup.conversation, content="No longer fits")
    assert refused.value.code == "quota_exceeded"
    assert "4 chats a month" in refused.value.message
