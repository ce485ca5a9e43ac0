"""chat's ``Toolbox`` (chat/toolbox.py) for the agents' tools: the ``tools`` an answer may call, and
each call run through ``actions.services.tool_call_run``. Registered in ``ActionsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from actions import selectors
from actions.catalog import agent_tools
from actions.errors import ActionError
from actions.frames import call_frame, proposal_frame
from actions.models import Proposal
from actions.services import proposal_approve, proposal_decline, tool_call_run
from agents.models import Agent
from chat.toolbox import Decision, MessageActions, ToolOutcome
from sixfb.flags import AI_AGENT_V2, flag_is_active
from sixfb.models import Shop, User

NOT_FOUND = "No such proposal in your conversations."


class ActionsToolbox:
    def specs(self, *, shop: Shop, agent: Agent, user: User) -> list[dict[str, Any]]:
        """No tools unless ``ai_agent_v2`` is on for this shop and person; then the agent's catalog."""
        if not flag_is_active(AI_AGENT_V2, shop=shop, user=user):
            return []
        return [tool.openai_spec() for tool in agent_tools(agent=agent)]

    def call(
        self,
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
        return tool_call_run(
            shop_id=shop_id,
            agent_id=agent_id,
            user_id=user_id,
            conversation_id=conversation_id,
            message_id=message_id,
            call_id=call_id,
            name=name,
            arguments=arguments,
            round=round,
        )

    def decide(self, *, user_id: int, proposal_id: object, approve: bool) -> Decision:
        """The socket's Approve or Decline: the same services (and refusals) as the API's."""
        user = User.objects.get(pk=user_id)
        try:
            proposal = selectors.get_proposal_for_user(user=user, proposal_id=proposal_id)
        except Http404:
            raise ActionError("not_found", NOT_FOUND) from None
        decision = (proposal_approve if approve else proposal_decline)(proposal=proposal, user=user)
        decided = Proposal.objects.select_related("message").get(pk=decision.proposal.pk)
        return Decision(
            conversation_id=decided.conversation_id,
            proposal_frame=proposal_frame(decided),
            posted_message_id=None if decision.message is None else decision.message.pk,
        )

    def proposal_frames(self, *, message_id: int) -> list[dict[str, Any]]:
        proposals = (
            Proposal.objects.filter(message_id=message_id).select_related("message").order_by("created_at", "pk")
        )
        return [proposal_frame(proposal) for proposal in proposals]

    def message_actions(self, *, message_ids: list[int]) -> dict[int, MessageActions]:
        found = selectors.actions_for_messages(message_ids=message_ids)
        return {
            message_id: MessageActions(
                steps=[call_frame(call) for call in actions.tool_calls],
                proposals=[proposal_frame(proposal) for proposal in actions.proposals],
            )
            for message_id, actions in found.items()
        }
