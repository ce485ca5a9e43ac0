"""A person decides a proposal: approve (the change runs, once) or decline; and proposals expire.

The decision holds the proposal's row (``select_for_update``) for its whole transaction, so a second
Approve, from another device or process, waits for the first and finds it decided: it runs once.
What came of it is posted into the conversation as an assistant message.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from actions.catalog import agent_tool
from actions.errors import ActionError
from actions.models import Proposal
from actions.registry import Tool, ToolContext, ToolError, tool_get
from chat.models import Message
from chat.services import message_post
from sixfb.errors import AppError
from sixfb.models import Membership, User

logger = logging.getLogger(__name__)

Status = Proposal.Status
DECIDED = (Status.DONE, Status.FAILED)
NOT_FOUND = "No such proposal."
FAILED_ON_OUR_SIDE = "It could not be done because of a problem on our side. Nothing was changed."


@dataclass(frozen=True)
class ProposalDecision:
    proposal: Proposal
    message: Message | None  # the outcome posted into the conversation
    decided: bool  # False: it had been decided already (a second click); nothing ran now


def proposal_locked(proposal: Proposal, user: User) -> tuple[Proposal, Membership]:
    """The proposal, its row held until the transaction ends, if ``user`` may decide it: the
    conversation's own person, still a member of its shop. Anyone else: not found."""
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("shop", "conversation__agent", "result_message")
        .filter(pk=proposal.pk)
        .first()
    )
    if locked is None or locked.conversation.user_id != user.pk or locked.conversation.deleted_at is not None:
        raise ActionError("not_found", NOT_FOUND)
    membership = Membership.objects.filter(shop_id=locked.shop_id, user=user).first()
    if membership is None:
        raise ActionError("not_found", NOT_FOUND)
    return locked, membership


def _expire(proposal: Proposal) -> None:
    proposal.status = Status.EXPIRED
    proposal.save(update_fields=["status"])


def _decide(proposal: Proposal, *, user: User, now: dt.datetime, status: str, result: Any, content: str) -> Message:
    message = message_post(conversation=proposal.conversation, content=content)
    proposal.status, proposal.result, proposal.result_message = status, result, message
    proposal.decided_by, proposal.decided_at = user, now
    proposal.save(update_fields=["status", "result", "result_message", "decided_by", "decided_at"])
    return message


def proposal_approve(*, proposal: Proposal, user: User, now: dt.datetime | None = None) -> ProposalDecision:
    """Run the proposed change once, through the tool's ``execute`` (the staff services), as ``user``."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, membership = proposal_locked(proposal, user)
        if locked.status in DECIDED:
            return ProposalDecision(locked, locked.result_message, decided=False)
        if locked.status != Status.PENDING:
            raise ActionError("proposal_closed", f"This proposal was {locked.get_status_display().lower()} already.")
        expired = now >= locked.expires_at
        if expired:
            _expire(locked)
        else:
            tool = tool_get(locked.tool)
            if tool is not None and tool.shop_wide and not membership.can_manage_shop:
                raise ActionError("not_allowed", "Only an owner or manager can approve this.")
            ctx = ToolContext(
                shop=locked.shop,
                user=user,
                membership=membership,
                agent=locked.conversation.agent,
                now=now,
                conversation_id=locked.conversation_id,
                message_id=locked.message_id,
            )
            status, result = _execute(tool, ctx, locked)
            if status == Status.DONE:
                content = f"Done: {result['summary']}."
            else:
                content = f"Could not do it: {locked.summary}. {result['message']}"
            message = _decide(locked, user=user, now=now, status=status, result=result, content=content)
    if expired:
        raise ActionError("proposal_expired", "This proposal has expired: ask the agent again.")
    return ProposalDecision(locked, message, decided=True)


def _execute(tool: Tool | None, ctx: ToolContext, proposal: Proposal) -> tuple[str, dict[str, Any]]:
    """(status, result): done with {summary, data}, or failed with {code, message}. A refusal by
    role raises (nothing is decided); every other refusal is the outcome, and writes nothing."""
    if tool is None or tool.execute is None or agent_tool(agent=ctx.agent, name=proposal.tool) is None:
        return Status.FAILED, {"code": "tool_unavailable", "message": "The agent can no longer do this."}
    try:
        with transaction.atomic():  # a refusal half-way leaves nothing behind
            result = tool.execute(ctx, tool.check(proposal.arguments))
    except ToolError as exc:
        if exc.code == "not_allowed":
            raise ActionError("not_allowed", exc.message) from exc
        return Status.FAILED, {"code": exc.code, "message": exc.message}
    except AppError as exc:
        return Status.FAILED, {"code": exc.code, "message": exc.message}
    except Exception:
        logger.exception("Approved proposal %s (%s) failed", proposal.uuid, proposal.tool)
        return Status.FAILED, {"code": "action_failed", "message": FAILED_ON_OUR_SIDE}
    data = json.loads(json.dumps(result.data, cls=DjangoJSONEncoder))
    return Status.DONE, {"summary": result.summary, "data": data}


def proposal_decline(*, proposal: Proposal, user: User, now: dt.datetime | None = None) -> ProposalDecision:
    """Nothing runs. Any member in whose conversation it is may decline it (it writes nothing),
    also a barber with a shop-wide proposal they could not approve."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, _membership = proposal_locked(proposal, user)
        if locked.status in (*DECIDED, Status.DECLINED):
            return ProposalDecision(locked, locked.result_message, decided=False)
        if locked.status != Status.PENDING:
            raise ActionError("proposal_closed", f"This proposal was {locked.get_status_display().lower()} already.")
        expired = now >= locked.expires_at
        if expired:
            _expire(locked)
        else:
            content = f"Declined: {locked.summary}."
            message = _decide(locked, user=user, now=now, status=Status.DECLINED, result=None, content=content)
    if expired:
        raise ActionError("proposal_expired", "This proposal has expired already.")
    return ProposalDecision(locked, message, decided=True)


def proposals_expire(*, now: dt.datetime | None = None) -> int:
    """Mark every pending proposal past its time expired; how many."""
    now = now or timezone.now()
    return Proposal.objects.filter(status=Status.PENDING, expires_at__lte=now).update(status=Status.EXPIRED)
