"""``tool_call_run``: what the model reads back from a call, the frames, and the audit row, for
good calls and for every kind of mistake (none of which raises)."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection

from actions.models import AgentTool, Proposal, ToolCall
from actions.registry import MAX_RESULT_CHARS, Tool, ToolError, ToolResult
from actions.tests.proposal_support import call, error_code, make_world, new_answer, registered, result
from bookings.models import Appointment
from sixfb.models import Membership

pytestmark = pytest.mark.django_db

EMPTY = {"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": False}


def read_tool(name: str, run) -> Tool:
    return Tool(name=name, description="A test read tool.", parameters=EMPTY, kind="read", run=run)


def book_args(world, hhmm: str = "10:00") -> dict:
    return {
        "service": str(world.booking.cut.pk),
        "start": world.at(hhmm).isoformat(),
        "customer": str(world.booking.customer.pk),
    }


def test_a_read_tool_runs_and_is_recorded():
    world = make_world()
    with registered(
        read_tool("count_things", lambda ctx, args: ToolResult("3 things", {"n": args["n"], "shop": ctx.shop.name})),
        world=world,
    ):
        outcome = call(world, "count_things", {"n": 3}, call_id="call_abc")

    assert result(outcome) == {"ok": True, "summary": "3 things", "data": {"n": 3, "shop": "Fresh Cuts"}}
    assert outcome.tool_frame == {"name": "count_things", "status": "done", "summary": "3 things"}
    assert outcome.proposal_frame is None
    row = ToolCall.objects.get()
    assert (row.message, row.call_id, row.name, row.arguments) == (world.answer, "call_abc", "count_things", {"n": 3})
    assert (row.status, row.summary, row.result_chars) == ("done", "3 things", len(outcome.content))


def test_a_write_tool_proposes_and_says_nothing_changed():
    world = make_world()
    outcome = call(world, "appointment_book", book_args(world))

    body = result(outcome)
    proposal = Proposal.objects.get()
    assert body["proposal"] == {"id": str(proposal.uuid), "summary": proposal.summary, "status": "waiting_for_approval"}
    assert "Nothing has changed yet" in body["note"]
    assert outcome.proposal_frame == {
        "id": str(proposal.uuid),
        "message_id": str(world.answer.uuid),
        "summary": proposal.summary,
        "details": proposal.details,
        "expires_at": proposal.expires_at.isoformat(),
        "status": "pending",
        "tool": "appointment_book",
    }
    assert outcome.tool_frame["status"] == "done"
    assert (proposal.conversation, proposal.message, proposal.requested_by) == (
        world.conversation,
        world.answer,
        world.owner,
    )
    assert 59 <= (proposal.expires_at - proposal.created_at).total_seconds() / 60 <= 60
    assert ToolCall.objects.get().status == ToolCall.Status.PROPOSED and Appointment.objects.count() == 0


def test_bad_json_is_an_error_the_model_reads_and_the_raw_text_is_kept():
    world = make_world()
    outcome = call(world, "appointment_book", '{"service": ')

    assert error_code(outcome) == "invalid_arguments"
    assert outcome.tool_frame["status"] == "error"
    row = ToolCall.objects.get()
    assert row.arguments == {"_raw": '{"service": '} and row.error_code == "invalid_arguments"


def test_an_unknown_tool_names_the_tools_the_agent_has():
    world = make_world()
    AgentTool.objects.filter(agent=world.conversation.agent).exclude(
        tool__in=["customer_note", "appointment_book"]
    ).delete()

    body = result(call(world, "drop_tables", {}))
    assert body["error"]["code"] == "unknown_tool"
    assert "appointment_book, customer_note" in body["error"]["message"]
    assert ToolCall.objects.get().name == "drop_tables"


def test_a_tool_outside_the_agents_catalog_is_unknown_to_it():
    world = make_world()
    AgentTool.objects.filter(agent=world.conversation.agent, tool="service_create").update(enabled=False)
    assert (
        error_code(call(world, "service_create", {"name": "X", "duration_minutes": 10, "price": 1})) == "unknown_tool"
    )
    assert Proposal.objects.count() == 0


def test_arguments_off_the_schema_are_refused_with_where():
    world = make_world()
    body = result(call(world, "appointment_book", {**book_args(world), "service": 7}))
    assert body["error"]["code"] == "invalid_arguments" and body["error"]["message"].startswith("service:")
    assert error_code(call(world, "appointment_book", [1, 2])) == "invalid_arguments"
    assert Proposal.objects.count() == 0


def test_an_answer_proposes_at_most_the_cap(settings):
    settings.ACTIONS_MAX_PROPOSALS_PER_ANSWER = 2
    world = make_world()
    assert result(call(world, "appointment_book", book_args(world, "10:00")))["ok"]
    assert result(call(world, "appointment_book", book_args(world, "11:00")))["ok"]
    assert error_code(call(world, "appointment_book", book_args(world, "12:00"))) == "too_many_proposals"
    assert Proposal.objects.count() == 2
    assert result(call(world, "appointment_book", book_args(world, "12:00"), answer=new_answer(world.conversation)))[
        "ok"
    ]


def test_a_person_who_left_the_shop_gets_no_tools():
    world = make_world()
    Membership.objects.filter(user=world.owner).delete()
    assert error_code(call(world, "appointment_book", book_args(world))) == "not_a_member"
    assert Proposal.objects.count() == 0 and ToolCall.objects.get().error_code == "not_a_member"


def test_a_tool_error_and_a_crash_come_back_as_errors(caplog):
    world = make_world()

    def refuses(ctx, args):
        raise ToolError("no_data", "Nothing to show for that period.")

    def crashes(ctx, args):
        raise RuntimeError("secret internals")

    with registered(read_tool("refuses", refuses), world=world), registered(read_tool("crashes", crashes), world=world):
        assert result(call(world, "refuses", {}))["error"] == {
            "code": "no_data",
            "message": "Nothing to show for that period.",
        }
        with caplog.at_level(logging.ERROR, logger="actions.services.tool_calls"):
            crashed = result(call(world, "crashes", {}))
    assert crashed["error"]["code"] == "tool_failed" and "secret" not in json.dumps(crashed)
    assert len([r for r in caplog.records if r.exc_info]) == 1


def test_a_result_too_large_for_the_model_is_refused():
    world = make_world()
    with registered(read_tool("huge", lambda ctx, args: ToolResult("big", "x" * MAX_RESULT_CHARS)), world=world):
        outcome = call(world, "huge", {})
    assert error_code(outcome) == "result_too_large"
    assert ToolCall.objects.get().result_chars == len(outcome.content) < MAX_RESULT_CHARS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout: PostgreSQL")
def test_a_slow_read_is_cut_off_and_the_timeout_is_put_back(settings):
    settings.ACTIONS_TOOL_TIMEOUT_MS = 100
    world = make_world()

    def slow(ctx, args):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
        return ToolResult("slept", None)

    def setting(ctx, args):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return ToolResult("shown", cursor.fetchone()[0])

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    with registered(read_tool("slow", slow), world=world), registered(read_tool("setting", setting), world=world):
        assert error_code(call(world, "slow", {})) == "tool_timeout"
        assert result(call(world, "setting", {}))["data"] == "100ms"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
    assert list(ToolCall.objects.values_list("error_code", flat=True)) == ["tool_timeout", ""]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_reads_timeout_ends_with_its_own(settings):
    """As in the tool thread: no caller's transaction, so the local setting ends at the tool's commit."""
    settings.ACTIONS_TOOL_TIMEOUT_MS = 150
    world = make_world()

    def setting(ctx, args):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return ToolResult("shown", cursor.fetchone()[0])

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    assert not connection.in_atomic_block
    with registered(read_tool("setting", setting), world=world):
        assert result(call(world, "setting", {}))["data"] == "150ms"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before != "150ms"
