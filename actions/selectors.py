"""Actions' reads: a person's proposal, and what the agent did while writing each message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.http import Http404

from actions.models import Proposal, ToolCall
from chat.models import Conversation
from sixfb.models import User


def get_proposal_for_user(*, user: User, proposal_id: object) -> Proposal:
    """A proposal in one of ``user``'s own conversations, in a shop they still belong to; anything
    else (a malformed id, another shop's, another person's conversation) is a 404."""
    try:
        public_id = proposal_id if isinstance(proposal_id, UUID) else UUID(str(proposal_id))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404("No such proposal.") from exc
    proposal = (
        Proposal.objects.filter(uuid=public_id, conversation__in=Conversation.objects.for_user(user))
        .select_related("decided_by", "result_message")
        .first()
    )
    if proposal is None:
        raise Http404("No such proposal.")
    return proposal


@dataclass
class MessageActions:
    tool_calls: list[ToolCall] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


def actions_for_messages(*, message_ids: Iterable[int]) -> dict[int, MessageActions]:
    """The tool calls and proposals of each message (only messages that have some), in order: two queries."""
    ids = list(message_ids)
    found: dict[int, MessageActions] = {}
    for call in ToolCall.objects.filter(message_id__in=ids).order_by("created_at", "pk"):
        found.setdefault(call.message_id, MessageActions()).tool_calls.append(call)
    proposals = (
        Proposal.objects.filter(message_id__in=ids).select_related("decided_by", "message").order_by("created_at", "pk")
    )
    for proposal in proposals:
        found.setdefault(proposal.message_id, MessageActions()).proposals.append(proposal)
    return found
