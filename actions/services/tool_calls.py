"""One call the model made: run it (a read) or turn it into a proposal (a write), record it, and
say what came of it, in JSON for the model and in frames for the person. The model's mistakes
(bad JSON, an unknown tool, arguments off the schema, another shop's ids) come back as an error
result it can read; nothing here raises for them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from actions.catalog import agent_tool, agent_tools
from actions.frames import proposal_frame
from actions.models import Proposal, ToolCall
from actions.registry import MAX_RESULT_CHARS, Tool, ToolContext, ToolError, ToolResult
from agents.models import Agent
from chat.models import Message
from chat.toolbox import ToolOutcome
from sixfb.models import Membership, Shop

logger = logging.getLogger(__name__)

WAITING_NOTE = "Nothing has changed yet. Tell the person what you propose; they approve or decline it on the card."
FAILED_MESSAGE = "The tool failed on our side. Nothing was changed; try another way or tell the person."
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cut off by statement_timeout


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


@dataclass
class _Done:
    """What a call gave, before it is recorded."""

    status: str
    summary: str
    content: str
    error_code: str = ""
    proposal: Proposal | None = None


def _error(code: str, message: str) -> _Done:
    content = dumps({"ok": False, "error": {"code": code, "message": message}})
    return _Done(ToolCall.Status.ERROR, message, content, error_code=code)


def tool_call_run(
    *,
    shop_id: int,
    agent_id: int,
    user_id: int,
    conversation_id: int,
    message_id: int,
    call_id: str,
    name: str,
    arguments: str,
    round: int,
) -> ToolOutcome:
    """Run or propose one call of the answer ``message_id``; every call leaves a ``ToolCall`` row."""
    started = time.monotonic()
    message = Message.objects.select_related("shop").get(
        pk=message_id, conversation_id=conversation_id, shop_id=shop_id
    )
    shop = message.shop
    try:
        parsed: Any = json.loads(arguments) if arguments.strip() else {}
        audit_arguments = parsed
    except (ValueError, TypeError):
        parsed, audit_arguments = None, {"_raw": str(arguments)[:2000]}
    try:
        done = _call(shop, agent_id, user_id, message, name, parsed, arguments_ok=parsed is not None)
    except ToolError as exc:
        done = _error(exc.code, exc.message)
    except Exception:
        logger.exception("Tool %s failed (shop %s, message %s)", name[:64], shop_id, message_id)
        done = _error("tool_failed", FAILED_MESSAGE)
    if len(done.content) > MAX_RESULT_CHARS:
        done = _error("result_too_large", "The result is too large to read: ask for less (fewer days or rows).")
    duration_ms = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        call = ToolCall.objects.create(
            shop=shop,
            message=message,
            call_id=str(call_id)[:64],
            round=round,
            name=str(name)[:64],
            arguments=audit_arguments,
            status=done.status,
            summary=done.summary[:300],
            error_code=done.error_code[:40],
            result_chars=len(done.content),
            duration_ms=duration_ms,
        )
        if done.proposal is not None:
            done.proposal.tool_call = call
            done.proposal.save()
    frame_status = "error" if done.status == ToolCall.Status.ERROR else "done"
    tool_frame = {"name": str(name)[:64], "status": frame_status, "summary": done.summary[:300]}
    return ToolOutcome(content=done.content, tool_frame=tool_frame, proposal_frame=_proposal_frame(done.proposal))


def _call(
    shop: Shop, agent_id: int, user_id: int, message: Message, name: str, parsed: Any, *, arguments_ok: bool
) -> _Done:
    membership = Membership.objects.select_related("user").filter(shop=shop, user_id=user_id).first()
    if membership is None:
        raise ToolError("not_a_member", "The person is no longer a member of this shop: no tools can run.")
    agent = Agent.objects.get(pk=agent_id)
    tool = agent_tool(agent=agent, name=name)
    if tool is None:
        names = ", ".join(t.name for t in agent_tools(agent=agent)) or "none"
        raise ToolError("unknown_tool", f"There is no tool called {str(name)[:64]!r} here. Your tools: {names}.")
    if not arguments_ok:
        raise ToolError("invalid_arguments", "The arguments are not valid JSON: send one JSON object.")
    arguments = tool.check(parsed)
    ctx = ToolContext(
        shop=shop,
        user=membership.user,
        membership=membership,
        agent=agent,
        now=timezone.now(),
        conversation_id=message.conversation_id,
        message_id=message.pk,
    )
    if tool.kind == "read":
        return _read(tool, ctx, arguments)
    return _propose(tool, ctx, arguments, message)


def _read(tool: Tool, ctx: ToolContext, arguments: dict[str, Any]) -> _Done:
    result = _run_bounded(tool, ctx, arguments)
    return _Done(
        ToolCall.Status.DONE, result.summary, dumps({"ok": True, "summary": result.summary, "data": result.data})
    )


def _run_bounded(tool: Tool, ctx: ToolContext, arguments: dict[str, Any]) -> ToolResult:
    """``tool.run`` in a transaction (a savepoint inside the caller's); on PostgreSQL every statement
    in it is cut off after ACTIONS_TOOL_TIMEOUT_MS. The setting is local to the transaction, so it
    ends with it; inside a caller's transaction it is put back as that transaction had it."""
    assert tool.run is not None
    postgres = connection.vendor == "postgresql"
    outermost = not connection.in_atomic_block  # the tool thread's case: one more query saved
    with transaction.atomic():
        previous = None
        if postgres:
            with connection.cursor() as cursor:
                if not outermost:  # read before setting: two statements, no reliance on evaluation order
                    cursor.execute("SELECT current_setting('statement_timeout')")
                    previous = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [str(settings.ACTIONS_TOOL_TIMEOUT_MS)]
                )
        try:
            result = tool.run(ctx, arguments)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == QUERY_CANCELED:
                raise ToolError("tool_timeout", "That took too long. Ask for less (a shorter range).") from exc
            raise
        if previous is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    return result


def _propose(tool: Tool, ctx: ToolContext, arguments: dict[str, Any], message: Message) -> _Done:
    if tool.shop_wide and not ctx.membership.can_manage_shop:
        raise ToolError("not_allowed", "Only an owner or manager can approve that, so it cannot be proposed here.")
    if Proposal.objects.filter(message=message).count() >= settings.ACTIONS_MAX_PROPOSALS_PER_ANSWER:
        limit = settings.ACTIONS_MAX_PROPOSALS_PER_ANSWER
        raise ToolError(
            "too_many_proposals", f"At most {limit} proposals per answer: let the person decide these first."
        )
    assert tool.propose is not None
    draft = tool.propose(ctx, arguments)
    proposal = Proposal(
        uuid=uuid.uuid4(),
        shop=ctx.shop,
        conversation_id=message.conversation_id,
        message=message,
        tool=tool.name,
        arguments=json.loads(dumps(draft.arguments)),
        summary=draft.summary[:300],
        details=json.loads(dumps(draft.details)),
        expires_at=ctx.now + dt.timedelta(minutes=settings.ACTIONS_PROPOSAL_TTL_MINUTES),
        requested_by=ctx.user,
    )
    content = dumps(
        {
            "ok": True,
            "proposal": {"id": str(proposal.uuid), "summary": proposal.summary, "status": "waiting_for_approval"},
            "note": WAITING_NOTE,
        }
    )
    return _Done(ToolCall.Status.PROPOSED, proposal.summary, content, proposal=proposal)


def _proposal_frame(proposal: Proposal | None) -> dict[str, Any] | None:
    return None if proposal is None else proposal_frame(proposal)
