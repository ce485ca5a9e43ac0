"""What the agent did while writing each message, for the conversation page and the API."""

from __future__ import annotations

import pytest

from actions.selectors import actions_for_messages
from actions.tests.proposal_support import call, make_world, new_answer, proposed

pytestmark = pytest.mark.django_db


def test_tool_calls_and_proposals_per_message_in_two_queries(django_assert_num_queries):
    world = make_world()
    customer = str(world.booking.customer.pk)
    first = proposed(world, "customer_note", {"customer": customer, "note": "One."})
    call(world, "drop_tables", {}, call_id="call_2")
    other = new_answer(world.conversation)
    call(world, "customer_note", {"customer": customer, "note": "Two."}, answer=other)
    quiet = new_answer(world.conversation)

    with django_assert_num_queries(2):
        found = actions_for_messages(message_ids=[world.answer.pk, other.pk, quiet.pk])

    assert set(found) == {world.answer.pk, other.pk}
    assert [c.name for c in found[world.answer.pk].tool_calls] == ["customer_note", "drop_tables"]
    assert found[world.answer.pk].proposals == [first]
    assert [p.details["note"] for p in found[other.pk].proposals] == ["Two."]
