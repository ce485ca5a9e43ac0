"""Send to me first: one copy of a pending campaign proposal, emailed to the owner or manager whose
conversation it is, a few times at most, before they approve it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from actions.catalog import agent_tool
from actions.errors import ActionError
from actions.models import Proposal
from actions.services.proposals import proposal_locked
from actions.tools.writes.campaigns import TOOL
from notifications.campaigns import campaign_tests_sent
from notifications.models import Delivery
from notifications.services.campaigns import CampaignError, campaign_test_send
from sixfb.models import User

MAX_TEST_SENDS = 3


@dataclass(frozen=True)
class TestSent:
    sent_to: str
    status: str  # the delivery's: queued (on its way)
    tests_left: int


def proposal_test_send(*, proposal: Proposal, user: User, now: dt.datetime | None = None) -> TestSent:
    """Email ``user`` the campaign as a customer would get it; refused once the proposal is decided
    or expired, for a barber, and after MAX_TEST_SENDS tests."""
    now = now or timezone.now()
    with transaction.atomic():  # the proposal's row is held: two clicks at once count as two
        locked, membership = proposal_locked(proposal, user)
        if locked.tool != TOOL:
            raise ActionError("not_a_campaign", "Only a campaign can be sent to you first.")
        if locked.status != Proposal.Status.PENDING:
            raise ActionError("proposal_closed", f"This proposal was {locked.get_status_display().lower()} already.")
        if now >= locked.expires_at:
            raise ActionError("proposal_expired", "This proposal has expired: ask the agent again.")
        if not membership.can_manage_shop:
            raise ActionError("not_allowed", "Only an owner or manager can send themselves a campaign.")
        if agent_tool(agent=locked.conversation.agent, name=locked.tool) is None:
            raise ActionError(
                "tool_unavailable", "The agent can no longer send campaigns, so this one cannot be tried."
            )
        prefix = f"campaign_test:{locked.uuid}:"
        done = campaign_tests_sent(shop=locked.shop, key_prefix=prefix)
        if done >= MAX_TEST_SENDS:
            raise ActionError("rate_limited", f"A campaign can be sent to you {MAX_TEST_SENDS} times at most.")
        arguments, samples = locked.arguments, locked.details.get("samples") or [""]
        try:
            delivery = campaign_test_send(
                shop=locked.shop,
                user=user,
                channel=arguments["channel"],
                subject=arguments.get("subject", ""),
                text=arguments["text"],
                sms=str(samples[0]) if arguments["channel"] == "sms" else "",
                dedupe_key=f"{prefix}{done + 1}",
            )
        except CampaignError as exc:  # test_sent_already: that key has a copy (not while the row is held)
            raise ActionError("test_not_sent", "That copy went to you already: check your inbox.") from exc
    if delivery.status != Delivery.Status.QUEUED:
        raise ActionError(
            "test_not_sent", f"It could not be sent to {delivery.address or 'you'}: {delivery.get_reason_display()}."
        )
    return TestSent(sent_to=delivery.address, status=delivery.status, tests_left=MAX_TEST_SENDS - done - 1)
