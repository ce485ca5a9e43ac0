"""Actions' writes: running the model's tool calls (and recording them), and deciding proposals.
Other modules use the names below."""

from actions.errors import ActionError
from actions.services.campaign_tests import TestSent, proposal_test_send
from actions.services.proposals import ProposalDecision, proposal_approve, proposal_decline, proposals_expire
from actions.services.tool_calls import tool_call_run

__all__ = [
    "ActionError",
    "ProposalDecision",
    "TestSent",
    "proposal_approve",
    "proposal_decline",
    "proposal_test_send",
    "proposals_expire",
    "tool_call_run",
]
