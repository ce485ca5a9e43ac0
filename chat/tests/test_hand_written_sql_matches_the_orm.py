"""The hot path's written-out SQL (chat.queries) reads and writes exactly what the ORM would.

These run on SQLite by default and on PostgreSQL in CI: the two store datetimes, decimals, JSON
and booleans differently, which is where hand-written SQL goes wrong.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from agents.models import Agent, ShopAgent
from chat import queries, services
from chat.models import Conversation, Message
from chat.tests.support import make_setup
from sixfb.models import Shop

pytestmark = [pytest.mark.django_db]


def message(setup, *, role="assistant", content="", status=Message.Status.COMPLETE, conversation=None, **fields):
    return Message.objects.create(
        conversation=conversation or setup.conversation,
        shop=setup.shop,
        role=role,
        content=content,
        status=status,
        **fields,
    )


def test_the_reply_context_holds_what_the_orm_reads():
    setup = make_setup()
    hours = {"monday": {"open": "08:30", "close": "17:00"}, "sunday": {"closed": True}}
    Shop.objects.filter(pk=setup.shop.pk).update(
        name="Fresh Cuts & Co", timezone="Europe/Lisbon", business_hours=hours, notes_for_agents="Walk-ins welcome."
    )
    agent = setup.conversation.agent
    Agent.objects.filter(pk=agent.pk).update(temperature=Decimal("0.35"), max_output_tokens=512, model="gpt-x")
    ShopAgent.objects.filter(shop=setup.shop, agent=agent).update(display_name="Coach", instructions="Be brief.")

    shop_agent, is_member = queries.shop_agent_for_reply(
        shop_id=setup.shop.pk, agent_id=agent.pk, user_id=setup.user.pk
    )
    assert is_member

    expected = ShopAgent.objects.select_related("agent", "shop").get(shop=setup.shop, agent=agent)
    assert (shop_agent.pk, shop_agent.enabled, shop_agent.display_name, shop_agent.instructions) == (
        expected.pk,
        True,
        "Coach",
        "Be brief.",
    )
    loaded = shop_agent.agent
    assert (loaded.pk, loaded.slug, loaded.name, loaded.status, loaded.system_prompt, loaded.model) == (
        agent.pk,
        agent.slug,
        expected.agent.name,
        Agent.Status.ACTIVE,
        expected.agent.system_prompt,
        "gpt-x",
    )
    assert loaded.temperature == Decimal("0.35") and isinstance(loaded.temperature, Decimal)
    assert loaded.max_output_tokens == 512 and loaded.is_available and loaded.shop_id is None
    shop = shop_agent.shop
    assert (shop.pk, shop.name, shop.timezone, shop.notes_for_agents) == (
        setup.shop.pk,
        "Fresh Cuts & Co",
        "Europe/Lisbon",
        "Walk-ins welcome.",
    )
    assert shop.business_hours == hours  # decoded, as the JSON field would
    # What was not read is deferred, as with .only(): touching it loads the stored value.
    assert shop.slug == setup.shop.slug and loaded.role == expected.agent.role


def test_the_reply_context_is_none_for_an_agent_the_shop_never_enabled():
    setup = make_setup()
    other = Agent.objects.exclude(pk=setup.conversation.agent_id).first()
    assert queries.shop_agent_for_reply(shop_id=setup.shop.pk, agent_id=other.pk, user_id=setup.user.pk) == (
        None,
        False,
    )


def test_streaming_counts_are_per_shop_and_per_conversation():
    setup = make_setup()
    second = Conversation.objects.create(shop=setup.shop, user=setup.user, agent=setup.conversation.agent)
    elsewhere = make_setup(shop_name="Rival Fades")
    message(setup, status=Message.Status.STREAMING)
    message(setup, status=Message.Status.STREAMING, conversation=second)
    message(setup, status=Message.Status.COMPLETE, content="done")
    message(elsewhere, status=Message.Status.STREAMING)

    assert queries.streaming_counts(shop_id=setup.shop.pk, conversation_id=setup.conversation.pk) == (2, 1)
    assert queries.streaming_counts(shop_id=elsewhere.shop.pk, conversation_id=setup.conversation.pk) == (1, 0)


def test_recent_turns_are_the_newest_visible_ones_with_text_oldest_first():
    setup = make_setup()
    first = message(setup, role="user", content="one")
    message(setup, content="replaced", superseded=True)
    message(setup, content="")  # failed before any text
    answer = message(setup, content="two")
    last = message(setup, role="user", content="three")
    same_moment = first.created_at
    Message.objects.filter(pk__in=[answer.pk, last.pk]).update(created_at=same_moment)  # a tie: pk decides

    turns = queries.recent_turns(conversation_id=setup.conversation.pk, limit=10, max_chars=100)
    assert [(t.pk, t.role, t.content) for t in turns] == [
        (first.pk, "user", "one"),
        (answer.pk, "assistant", "two"),
        (last.pk, "user", "three"),
    ]
    assert [t.content for t in queries.recent_turns(conversation_id=setup.conversation.pk, limit=2, max_chars=100)] == [
        "two",
        "three",
    ]


def test_a_streaming_update_writes_values_the_orm_reads_back_and_leaves_finished_rows_alone():
    setup = make_setup()
    reply = message(setup, status=Message.Status.STREAMING)
    now = timezone.now()

    assert queries.streaming_message_update(
        message_id=reply.pk, content="Half an answer", updated_at=now, cost_usd=Decimal("0.000123")
    )
    reply.refresh_from_db()
    assert (reply.content, reply.updated_at, reply.cost_usd) == ("Half an answer", now, Decimal("0.000123"))
    # Stored as the ORM stores datetimes, so the ORM's own comparisons (the stale sweep) hold.
    assert services.messages_fail_stale(now=now + services.STALE_AFTER - dt.timedelta(seconds=1)) == 0
    assert services.messages_fail_stale(now=now + services.STALE_AFTER + dt.timedelta(seconds=1)) == 1

    reply.refresh_from_db()
    assert reply.status == Message.Status.ERROR
    assert not queries.streaming_message_update(message_id=reply.pk, content="late", updated_at=timezone.now())
    reply.refresh_from_db()
    assert reply.content == "Half an answer"
